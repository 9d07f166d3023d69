namespace Sgraf.Api.Gallery.Local;

/// <summary>A torn or damaged end of the log that opening cut off (a write interrupted by a crash).</summary>
/// <param name="Offset">Where the log now ends: the end of the last good record.</param>
/// <param name="DroppedBytes">How many bytes after it were removed.</param>
/// <param name="Reason">What was wrong with the first dropped record.</param>
public sealed record GalleryTailRepair(long Offset, long DroppedBytes, string Reason);
