namespace Sgraf.Api.Gallery;

/// <summary>
/// A gallery index that a store can keep on disk as sealed segment files: the local store seals it at each checkpoint
/// and restores it at start, so start-up opens files instead of replaying the whole history.
/// </summary>
public interface ISealableGallery
{
    /// <summary>
    /// Writes every item not yet in a file into new segment files in <paramref name="directory"/> (named by
    /// <paramref name="newFileName"/> from a kind, fsync'ed; the caller fsyncs the directory), first moving the live
    /// items of mostly empty sealed segments so that those drop out; returns the segments that now make up the gallery.
    /// </summary>
    IReadOnlyList<SealedSegment> Seal(string directory, Func<string, string> newFileName);

    /// <summary>Opens sealed segments into an empty index.</summary>
    /// <exception cref="InvalidDataException">A file is damaged or does not fit the bundle; the message names it.</exception>
    void Restore(string directory, IReadOnlyList<SealedSegment> segments);

    /// <summary>
    /// The live items as of now, as the add records that recreate them (sorted by id, images first): what a snapshot of
    /// the gallery holds, for other replicas to start from. Read lazily; take it while nothing is being applied.
    /// </summary>
    IEnumerable<GalleryRecord> LiveRecords();
}

/// <summary>One sealed segment of a checkpoint: its kind ("images" or "captions"), file name and dead slots.</summary>
public sealed record SealedSegment(string Kind, string File, IReadOnlyList<int> Dead);
