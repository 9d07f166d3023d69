namespace Sgraf.Api.Gallery;

/// <summary>
/// A gallery index that a store can keep on disk as sealed segment files: the local store seals it at each checkpoint
/// and restores it at start, so start-up opens files instead of replaying the whole history. A seal runs in three
/// steps so that changes go on being applied while its files are written: <see cref="BeginSeal"/> (quick, while nothing
/// is being applied), <see cref="IGallerySeal.Write"/> (the slow part, alongside changes), <see cref="IGallerySeal.Commit"/>.
/// </summary>
public interface ISealableGallery
{
    /// <summary>
    /// Freezes what the seal will write: every item not yet in a file, and the live items of mostly empty sealed
    /// segments (so that those drop out). Items applied from now on go to new segments, outside this seal. Call while
    /// nothing is being applied; it copies nothing.
    /// </summary>
    IGallerySeal BeginSeal();

    /// <summary>Opens sealed segments into an empty index.</summary>
    /// <exception cref="InvalidDataException">A file is damaged or does not fit the bundle; the message names it.</exception>
    void Restore(string directory, IReadOnlyList<SealedSegment> segments);

    /// <summary>
    /// The live items as of now, as the add records that recreate them (sorted by id, images first): what a snapshot of
    /// the gallery holds, for other replicas to start from. Read lazily; take it while nothing is being applied.
    /// </summary>
    IEnumerable<GalleryRecord> LiveRecords();
}

/// <summary>One seal begun by <see cref="ISealableGallery.BeginSeal"/>. Abandoned before its commit, it changes nothing: the next seal takes its items again.</summary>
public interface IGallerySeal
{
    /// <summary>
    /// Writes the frozen items into new segment files in <paramref name="directory"/> (named by
    /// <paramref name="newFileName"/> from a kind, fsync'ed; the caller fsyncs the directory). Safe while changes are
    /// applied: searches go on reading the frozen segments.
    /// </summary>
    void Write(string directory, Func<string, string> newFileName);

    /// <summary>
    /// Puts the written segments in the index in place of the frozen ones (an item deleted or replaced since
    /// <see cref="ISealableGallery.BeginSeal"/> stays dead in its new slot) and returns the segments that now make up the
    /// sealed part of the gallery, with their dead slots. Call once, after <see cref="Write"/>.
    /// </summary>
    IReadOnlyList<SealedSegment> Commit();
}

/// <summary>One sealed segment of a checkpoint: its kind ("images" or "captions"), file name and dead slots.</summary>
public sealed record SealedSegment(string Kind, string File, IReadOnlyList<int> Dead);
