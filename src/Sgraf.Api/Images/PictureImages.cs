using System.Text;
using System.Text.Json.Nodes;
using Sgraf.Api.Gallery;
using Sgraf.Api.Pictures;
using Sgraf.Api.Validation;
using Sgraf.Inference.Pictures;

namespace Sgraf.Api.Images;

/// <summary>A picture to add: its id and metadata, the file, and how an answer names where they are in the request.</summary>
/// <param name="PicturePath">Where the picture is: <c>images[2].picture</c>, or <c>pictures[0]</c> of a multipart upload.</param>
/// <param name="MetadataPath">Where its metadata is: <c>images[2].metadata</c>, <c>pictures[0].metadata</c>.</param>
public sealed record PictureToAdd(string PicturePath, string MetadataPath, string Id, JsonObject? Metadata, byte[] File);

/// <summary>
/// Pictures to add → images to add, the same for JSON and multipart uploads: every picture decoded (as many at once as
/// the pipeline's cores), every refusal collected by where it is, then — only if none was refused — encoded a batch at
/// a time, with the stored copy and the metadata <see cref="PictureMetadata"/> completes. Stores nothing.
/// </summary>
public static class PictureImages
{
    /// <exception cref="PictureRefusedException">A picture cannot be used; nothing is returned.</exception>
    /// <exception cref="RequestValidationException">A picture's metadata is over the limit once completed.</exception>
    public static async Task<List<ImageToAdd>> ToAddAsync(IReadOnlyList<PictureToAdd> pictures, PicturePipeline pipeline, RequestRules rules,
        CancellationToken cancellationToken)
    {
        var prepared = new PreparedPicture?[pictures.Count];
        var refused = new List<(string Path, InvalidPictureException Problem)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, pictures.Count),
            new ParallelOptions { MaxDegreeOfParallelism = pipeline.Batch.Decode, CancellationToken = cancellationToken }, async (i, token) =>
            {
                try
                {
                    prepared[i] = await pipeline.PrepareAsync(pictures[i].File, token);
                }
                catch (InvalidPictureException e)
                {
                    lock (refused) refused.Add((pictures[i].PicturePath, e));
                }
            });
        if (refused.Count > 0)
            throw PictureRefusedException.From([.. refused.OrderBy(r => r.Path, StringComparer.Ordinal)],
                "See 'errors': each names a picture and what is wrong with it. Nothing was stored.");
        return await EncodeAsync([.. pictures.Select(p => (p.Id, p.Metadata, p.MetadataPath))], [.. prepared.Select(p => p!)], pipeline, rules, cancellationToken);
    }

    /// <summary>Decoded pictures → images to add, encoded a batch at a time, with their copies and completed metadata.</summary>
    /// <exception cref="RequestValidationException">A picture's metadata is over the limit once completed.</exception>
    public static async Task<List<ImageToAdd>> EncodeAsync(IReadOnlyList<(string Id, JsonObject? Metadata, string MetadataPath)> images,
        IReadOnlyList<PreparedPicture> prepared, PicturePipeline pipeline, RequestRules rules, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var completed = new JsonObject[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            completed[i] = PictureMetadata.For(images[i].Id, images[i].Metadata, prepared[i].Copy, pipeline.Grid);
            CheckSize(completed[i], images[i].MetadataPath, rules, errors);
        }
        errors.ThrowIfAny();
        var added = new List<ImageToAdd>(images.Count);
        for (int start = 0; start < images.Count; start += pipeline.Batch.Encode)
        {
            var batch = prepared.Skip(start).Take(pipeline.Batch.Encode).ToArray();
            var features = await pipeline.EncodeAsync(batch, cancellationToken);
            int each = features.Length / batch.Length;
            for (int i = 0; i < batch.Length; i++)
                added.Add(new ImageToAdd(images[start + i].Id, features.AsSpan(i * each, each).ToArray(), completed[start + i], batch[i].Copy.Jpeg));
        }
        return added;
    }

    /// <summary>The metadata as stored, the service's additions included, is held to the limit every stored item is.</summary>
    static void CheckSize(JsonObject metadata, string path, RequestRules rules, ValidationErrors errors)
    {
        int bytes = Encoding.UTF8.GetByteCount(metadata.ToJsonString());
        if (bytes > rules.Limits.MaxMetadataBytes)
            errors.Add(path, $"is {bytes} bytes of JSON with the url, width, height and boxes the service adds for a picture; at most " +
                             $"{rules.Limits.MaxMetadataBytes} are allowed (Sgraf:Limits:MaxMetadataBytes), so the caller's metadata may take about " +
                             $"{bytes - rules.Limits.MaxMetadataBytes} bytes less");
    }
}
