using System.Collections.Immutable;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// The searchable in-memory gallery: the decoded embeddings of every live image and caption, kept in step with the
/// store by <see cref="Apply"/> (called by the store, one batch at a time, in store order). Readers take
/// <see cref="Current"/>, an immutable snapshot published after each batch. With a shortlist head, every item applied
/// gets its shortlist vector from <paramref name="shortlist"/>; store replicas apply through here too, so all agree.
/// A store that keeps the gallery on disk seals the index into segment files (<see cref="BeginSeal"/>, in the background
/// while changes go on) and opens them again at start (<see cref="Restore"/>): files are tagged with <paramref name="embeddingsHash"/> (what the embeddings depend on)
/// and <paramref name="headHash"/> (what the shortlist vectors depend on; vectors of another head are computed again).
/// With <paramref name="halfPrecision"/>, image embeddings are sealed as float16 (half the disk and page cache; the
/// scorer widens them to float32 as it reads), so an image's scores move by float16 rounding once it is sealed.
/// Pictures of images in segments not yet sealed wait in scratch files in <paramref name="scratchDirectory"/> (the
/// system's temporary folder when null), unlinked at once (<see cref="ScratchPictures"/>).
/// </summary>
public sealed class GalleryIndex(EmbeddingCodec codec, ShortlistEncoder? shortlist, string embeddingsHash = "", string headHash = "",
    bool halfPrecision = false, string? scratchDirectory = null) : ISealableGallery
{
    readonly object writer = new();
    readonly List<ImageSegment> imageSegments = [];
    readonly List<CaptionSegment> captionSegments = [];
    GallerySnapshot current = GallerySnapshot.Empty;

    public GallerySnapshot Current => Volatile.Read(ref current);

    public EmbeddingCodec Codec => codec;

    /// <summary>The head that gives items their shortlist vectors, or null when the bundle has none.</summary>
    public ShortlistEncoder? Shortlist => shortlist;

    /// <summary>Applies stored records in order and publishes a new snapshot.</summary>
    /// <exception cref="InvalidDataException">A record's payload does not fit the bundle; nothing of the batch is applied.</exception>
    public void Apply(IReadOnlyList<GalleryRecord> records)
    {
        // Decode first, shortlist vectors included: a bad record or a failing head must not leave half a batch applied.
        var decoded = records.Select(Decode).ToArray();
        if (shortlist is not null) AttachShortlistVectors(decoded, shortlist);
        lock (writer)
        {
            var snapshot = Current;
            var images = snapshot.Images.ToBuilder();
            var captions = snapshot.Captions.ToBuilder();
            foreach (var (record, description, item) in decoded)
            {
                switch (record.Kind)
                {
                    case GalleryRecordKind.AddImage:
                        AddImage(images, record.Id, description!, (EncodedImage)item!);
                        break;
                    case GalleryRecordKind.DeleteImage:
                        if (images.Remove(record.Id, out var deletedImage)) deletedImage.Segment.Kill(deletedImage.Slot);
                        break;
                    case GalleryRecordKind.AddCaption:
                        AddCaption(captions, record.Id, description!, (EncodedCaption)item!);
                        break;
                    case GalleryRecordKind.DeleteCaption:
                        if (captions.Remove(record.Id, out var deletedCaption)) deletedCaption.Segment.Kill(deletedCaption.Slot);
                        break;
                    default:
                        throw new InvalidDataException($"record '{record.Id}' has kind {record.Kind}, which does not change a gallery");
                }
            }
            Publish(snapshot, images, captions);
        }
    }

    void AddImage(ImmutableSortedDictionary<string, ItemLocation<ImageSegment>>.Builder images, string id, ItemDescription description, EncodedImage image)
    {
        if (images.TryGetValue(id, out var old)) old.Segment.Kill(old.Slot);
        var segment = OpenSegment(imageSegments, () => new ImageSegment(codec, shortlist?.Dim ?? 0, ScratchDirectory));
        images[id] = new(segment, segment.Add(id, description, image));
    }

    void AddCaption(ImmutableSortedDictionary<string, ItemLocation<CaptionSegment>>.Builder captions, string id, ItemDescription description, EncodedCaption caption)
    {
        if (captions.TryGetValue(id, out var old)) old.Segment.Kill(old.Slot);
        var segment = OpenSegment(captionSegments, () => new CaptionSegment(codec, shortlist?.Dim ?? 0));
        captions[id] = new(segment, segment.Add(id, description, caption));
    }

    void Publish(GallerySnapshot snapshot, ImmutableSortedDictionary<string, ItemLocation<ImageSegment>>.Builder images,
        ImmutableSortedDictionary<string, ItemLocation<CaptionSegment>>.Builder captions) =>
        Volatile.Write(ref current, new GallerySnapshot(snapshot.Version + 1,
            Publish(imageSegments), Publish(captionSegments), images.ToImmutable(), captions.ToImmutable()));

    public IGallerySeal BeginSeal()
    {
        lock (writer)
        {
            var snapshot = Current;
            return new GallerySeal(this, new(Freeze(snapshot.ImageSegments, imageSegments, ImageSegment.DefaultCapacity)),
                new(Freeze(snapshot.CaptionSegments, captionSegments, CaptionSegment.DefaultCapacity)));
        }
    }

    /// <summary>
    /// Writer: the views of the segments a seal copies, frozen: those not in a file yet and, as compaction, sealed ones
    /// that are mostly empty (many deletes, or a small seal), so their live items move into the new files and files do
    /// not pile up. No writer is inside <see cref="Apply"/>, so the snapshot's views are the segments as they are.
    /// </summary>
    static List<SegmentView<TSegment>> Freeze<TSegment>(IReadOnlyList<SegmentView<TSegment>> views, List<TSegment> segments, int capacity)
        where TSegment : GallerySegment
    {
        var sparse = Sparse(segments, capacity);
        var frozen = views.Where(v => (v.Segment.FileName is null && v.Count > 0) || sparse.Contains(v.Segment)).ToList();
        foreach (var view in frozen) view.Segment.Freeze();
        return frozen;
    }

    /// <summary>A seal's commit: its copies in place of the frozen segments, published; returns every sealed segment.</summary>
    internal IReadOnlyList<SealedSegment> Swap(SegmentCopy<ImageSegment> sealedImages, SegmentCopy<CaptionSegment> sealedCaptions)
    {
        lock (writer)
        {
            var snapshot = Current;
            var images = snapshot.Images.ToBuilder();
            var captions = snapshot.Captions.ToBuilder();
            sealedImages.Swap(images, imageSegments);
            sealedCaptions.Swap(captions, captionSegments);
            Publish(snapshot, images, captions);
            // The frozen segments' arrays (up to 300 MB each at full size) are garbage now: a background collection
            // returns them at once instead of when the large-object heap's budget next runs out.
            GC.Collect(2, GCCollectionMode.Forced, blocking: false);
            return [.. imageSegments.Where(s => s.FileName is not null).Select(s => new SealedSegment(ImageSegment.Kind, s.FileName!, s.DeadSlots())),
                .. captionSegments.Where(s => s.FileName is not null).Select(s => new SealedSegment(CaptionSegment.Kind, s.FileName!, s.DeadSlots()))];
        }
    }

    internal string EmbeddingsHash => embeddingsHash;

    internal string HeadHash => headHash;

    internal bool HalfPrecision => halfPrecision;

    /// <summary>Where segments in memory keep their pictures until sealed.</summary>
    internal string ScratchDirectory => scratchDirectory ?? Path.GetTempPath();

    public void Restore(string directory, IReadOnlyList<SealedSegment> segments)
    {
        lock (writer)
        {
            if (imageSegments.Count + captionSegments.Count > 0)
                throw new InvalidOperationException("the index already holds items; restore sealed segments into an empty one");
            var images = GallerySnapshot.Empty.Images.ToBuilder();
            var captions = GallerySnapshot.Empty.Captions.ToBuilder();
            foreach (var sealedSegment in segments)
            {
                string path = Path.Combine(directory, sealedSegment.File);
                if (sealedSegment.Kind == ImageSegment.Kind)
                {
                    var segment = ImageSegment.Open(path, codec, embeddingsHash, shortlist, headHash, sealedSegment.Dead);
                    imageSegments.Add(segment);
                    foreach (int slot in segment.LiveSlots()) images[segment.Id(slot)] = new(segment, slot);
                }
                else if (sealedSegment.Kind == CaptionSegment.Kind)
                {
                    var segment = CaptionSegment.Open(path, codec, embeddingsHash, shortlist, headHash, sealedSegment.Dead);
                    captionSegments.Add(segment);
                    foreach (int slot in segment.LiveSlots()) captions[segment.Id(slot)] = new(segment, slot);
                }
                else throw new InvalidDataException($"segment {sealedSegment.File} has kind '{sealedSegment.Kind}', neither {ImageSegment.Kind} nor {CaptionSegment.Kind}");
            }
            Publish(Current, images, captions);
        }
    }

    public IEnumerable<GalleryRecord> LiveRecords()
    {
        var snapshot = Current;
        foreach (var (id, at) in snapshot.Images)
            yield return GalleryRecord.AddImage(id, codec.EncodeImage(at.Segment.ReadWithPicture(at.Slot)), at.Segment.Description(at.Slot).ToJson());
        foreach (var (id, at) in snapshot.Captions)
            yield return GalleryRecord.AddCaption(id, codec.EncodeCaption(at.Segment.Read(at.Slot)), at.Segment.Description(at.Slot).ToJson());
    }

    /// <summary>
    /// Sealed segments less than a quarter full of live items, when there are at least two such (counting the unsealed
    /// items as one), so that a lone small segment is not rewritten at every checkpoint. A quarter, not a half: each
    /// rewrite copies the items again, and small checkpoints (about 220 full-size images at the default) would then be
    /// copied twice or three times on their way to a half-full segment.
    /// </summary>
    static List<TSegment> Sparse<TSegment>(List<TSegment> segments, int capacity) where TSegment : GallerySegment
    {
        var sparse = segments.Where(s => s.FileName is not null && 4 * s.LiveCount < capacity).ToList();
        int unsealed = segments.Any(s => s.FileName is null && s.Count > 0) ? 1 : 0;
        return sparse.Count + unsealed >= 2 ? sparse : [];
    }

    (GalleryRecord Record, ItemDescription? Description, object? Item) Decode(GalleryRecord record) => record.Kind switch
    {
        GalleryRecordKind.AddImage => (record, ItemDescription.FromJson(record.Metadata, record.Id), codec.DecodeImage(record.Payload.Span, record.Id)),
        GalleryRecordKind.AddCaption => (record, ItemDescription.FromJson(record.Metadata, record.Id), codec.DecodeCaption(record.Payload.Span, record.Id)),
        _ => (record, null, null),
    };

    /// <summary>One head call per kind for the whole batch (in chunks), the vectors put back in record order.</summary>
    static void AttachShortlistVectors((GalleryRecord Record, ItemDescription? Description, object? Item)[] decoded, ShortlistEncoder head)
    {
        int[] images = [.. Enumerable.Range(0, decoded.Length).Where(i => decoded[i].Item is EncodedImage)];
        var imageVectors = ShortlistVectors.Attach(head, [.. images.Select(i => (EncodedImage)decoded[i].Item!)]);
        for (int k = 0; k < images.Length; k++) decoded[images[k]].Item = imageVectors[k];
        int[] captions = [.. Enumerable.Range(0, decoded.Length).Where(i => decoded[i].Item is EncodedCaption)];
        var captionVectors = ShortlistVectors.Attach(head, [.. captions.Select(i => (EncodedCaption)decoded[i].Item!)]);
        for (int k = 0; k < captions.Length; k++) decoded[captions[k]].Item = captionVectors[k];
    }

    static TSegment OpenSegment<TSegment>(List<TSegment> segments, Func<TSegment> create) where TSegment : GallerySegment
    {
        if (segments.Count == 0 || segments[^1].IsFull) segments.Add(create());
        return segments[^1];
    }

    /// <summary>Publishes every segment and drops full ones with nothing alive (their memory goes once no reader holds them).</summary>
    static IReadOnlyList<SegmentView<TSegment>> Publish<TSegment>(List<TSegment> segments) where TSegment : GallerySegment
    {
        var views = segments.Select(s => s.Publish<TSegment>()).ToList();
        for (int i = segments.Count - 1; i >= 0; i--)
            if (segments[i].IsFull && segments[i].LiveCount == 0)
            {
                segments.RemoveAt(i);
                views.RemoveAt(i);
            }
        return views;
    }
}
