using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// The searchable in-memory gallery: the decoded embeddings of every live image and caption, kept in step with the
/// store by <see cref="Apply"/> (called by the store, one batch at a time, in store order). Readers take
/// <see cref="Current"/>, an immutable snapshot published after each batch. With a shortlist head, every item applied
/// gets its shortlist vector from <paramref name="shortlist"/>; store replicas apply through here too, so all agree.
/// </summary>
public sealed class GalleryIndex(EmbeddingCodec codec, ShortlistEncoder? shortlist)
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
                        if (images.TryGetValue(record.Id, out var oldImage)) oldImage.Segment.Kill(oldImage.Slot);
                        var imageSegment = OpenSegment(imageSegments, () => new ImageSegment(codec, shortlist?.Dim ?? 0));
                        images[record.Id] = new(imageSegment, imageSegment.Add(record.Id, description!, (EncodedImage)item!));
                        break;
                    case GalleryRecordKind.DeleteImage:
                        if (images.Remove(record.Id, out var deletedImage)) deletedImage.Segment.Kill(deletedImage.Slot);
                        break;
                    case GalleryRecordKind.AddCaption:
                        if (captions.TryGetValue(record.Id, out var oldCaption)) oldCaption.Segment.Kill(oldCaption.Slot);
                        var captionSegment = OpenSegment(captionSegments, () => new CaptionSegment(codec, shortlist?.Dim ?? 0));
                        captions[record.Id] = new(captionSegment, captionSegment.Add(record.Id, description!, (EncodedCaption)item!));
                        break;
                    case GalleryRecordKind.DeleteCaption:
                        if (captions.Remove(record.Id, out var deletedCaption)) deletedCaption.Segment.Kill(deletedCaption.Slot);
                        break;
                    default:
                        throw new InvalidDataException($"record '{record.Id}' has kind {record.Kind}, which does not change a gallery");
                }
            }
            Volatile.Write(ref current, new GallerySnapshot(snapshot.Version + 1,
                Publish(imageSegments), Publish(captionSegments), images.ToImmutable(), captions.ToImmutable()));
        }
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
