using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sgraf.Inference.Data;
using Sgraf.Inference.Model;

namespace Sgraf.LoadTest.GalleryImport;

/// <summary>
/// The body of one POST /images/import: rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1
/// of a <c>{split}_ims.npy</c> as <see cref="ImageFrame"/>s, read from the file one image at a time while HttpClient sends
/// them, so a request of any size holds one image in memory. <paramref name="sent"/> is told of each frame written.
/// </summary>
internal sealed class ImageFramesContent : HttpContent
{
    public const string MediaType = "application/octet-stream";

    readonly NpyRowReader rows;
    readonly int start;
    readonly (string Id, byte[] Metadata)[] frames;
    readonly Action sent;

    public ImageFramesContent(NpyRowReader rows, int start, int count, Func<int, (string Id, byte[] Metadata)> describe, Action sent)
    {
        this.rows = rows;
        this.start = start;
        this.sent = sent;
        frames = [.. Enumerable.Range(start, count).Select(describe)];
        Headers.ContentType = new MediaTypeHeaderValue(MediaType);
    }

    int ImgDim => rows.RowElements / SgrafConfig.Regions;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // From the first row each time: HttpClient may send a body again on a new connection.
        rows.Seek(start);
        var features = new float[rows.RowElements];
        var buffer = new byte[frames.Max(f => Size(f))];
        foreach (var (id, metadata) in frames)
        {
            rows.ReadRow(features);
            int size = ImageFrame.Write(buffer, id, metadata, features);
            await stream.WriteAsync(buffer.AsMemory(0, size), cancellationToken);
            sent();
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <summary>Known in advance, so the request has a Content-Length and the service can refuse one over its limit before reading it.</summary>
    protected override bool TryComputeLength(out long length)
    {
        length = frames.Sum(f => (long)Size(f));
        return true;
    }

    int Size((string Id, byte[] Metadata) frame) => ImageFrame.Size(Encoding.UTF8.GetByteCount(frame.Id), frame.Metadata.Length, ImgDim);
}
