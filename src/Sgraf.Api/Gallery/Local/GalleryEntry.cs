namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// A live image or caption as the log last left it. The payload stays on disk: it is read back from the log (and its
/// CRC checked again) when asked for, so the log costs no memory per item beyond its id and metadata.
/// </summary>
public sealed class GalleryEntry(string id, string metadata, long frameOffset, Func<long, ReadOnlyMemory<byte>> readPayload)
{
    public string Id => id;

    public string Metadata => metadata;

    /// <summary>Where the item's record starts in the log file.</summary>
    internal long FrameOffset => frameOffset;

    /// <summary>The item's encoded embeddings, read from the log.</summary>
    public ReadOnlyMemory<byte> Payload => readPayload(frameOffset);
}
