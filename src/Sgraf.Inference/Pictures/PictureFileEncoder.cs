using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Sgraf.Inference.Pictures;

/// <summary>The features of consecutive pictures: <c>Files.Count × Regions × ImgDim</c> floats, in file order.</summary>
public sealed record EncodedPictures(IReadOnlyList<string> Files, float[] Features);

/// <summary>
/// Encodes picture files in order, in batches of the encoder's batch size, reading and decoding the next batches
/// (on <paramref name="decodeThreads"/> threads) while the encoder runs the current one. Each file goes through
/// <see cref="PictureInput"/>, the path the service takes.
/// </summary>
public sealed class PictureFileEncoder(PictureEncoder encoder, PictureLimits limits, int decodeThreads = 1)
{
    /// <summary>Batches decoded ahead of the encoder: enough to keep it busy, bounded so memory is.</summary>
    const int BatchesAhead = 2;

    /// <exception cref="InvalidPictureException">A file is not a picture Sgraf takes; the message names it.</exception>
    public IEnumerable<EncodedPictures> Encode(IEnumerable<string> files, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decodeThreads);
        using var decoded = new BlockingCollection<(string[] Files, byte[] Pixels)>(BatchesAhead);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        var reader = Task.Run(() =>
        {
            try
            {
                foreach (var batch in files.Chunk(encoder.BatchSize))
                    decoded.Add((batch, Decode(batch, stop.Token)), stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failure = e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[0] : e;
            }
            finally
            {
                decoded.CompleteAdding();
            }
        }, CancellationToken.None);
        try
        {
            foreach (var (batch, pixels) in decoded.GetConsumingEnumerable(cancellationToken))
                yield return new EncodedPictures(batch, encoder.Encode(pixels, batch.Length));
        }
        finally
        {
            stop.Cancel();
            reader.Wait(CancellationToken.None);
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    byte[] Decode(string[] batch, CancellationToken cancellationToken)
    {
        int bytes = encoder.InputBytes;
        var pixels = new byte[batch.Length * bytes];
        Parallel.For(0, batch.Length, new ParallelOptions { MaxDegreeOfParallelism = decodeThreads, CancellationToken = cancellationToken }, i =>
        {
            try
            {
                PictureInput.Write(Read(batch[i]), limits, encoder.InputSize, pixels.AsSpan(i * bytes, bytes));
            }
            catch (InvalidPictureException e)
            {
                throw new InvalidPictureException(e.Problem, $"{batch[i]}: {e.Message}");
            }
        });
        return pixels;
    }

    byte[] Read(string path)
    {
        // The size is checked before the file is read: a huge file is refused without being loaded.
        long length = new FileInfo(path).Length;
        if (length > limits.MaxBytes)
            throw new InvalidPictureException(PictureProblem.TooManyBytes, $"the file is {length:N0} bytes; the limit is {limits.MaxBytes:N0}");
        return File.ReadAllBytes(path);
    }
}
