namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// A damaged record is followed by intact ones. Those later records were acknowledged to clients, so
/// cutting the log there would lose them silently; opening stops instead and names where to look.
/// </summary>
public sealed class GalleryLogCorruptException(string path, long offset, string reason)
    : Exception($"Gallery log '{path}' is corrupt at byte offset {offset} ({reason}) and valid records follow; " +
                "refusing to drop acknowledged data. Restore the file from a backup or inspect it at that offset.")
{
    public string Path { get; } = path;
    public long Offset { get; } = offset;
}
