namespace Sgraf.Api.Gallery;

/// <summary>
/// The live gallery rebuilt by replaying the log: an add inserts or replaces, a delete removes.
/// Images and captions have separate id spaces. Not thread-safe; <see cref="GalleryLog"/> guards it.
/// </summary>
public sealed class GalleryState
{
    private readonly Dictionary<string, GalleryEntry> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GalleryEntry> _captions = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, GalleryEntry> Images => _images;
    public IReadOnlyDictionary<string, GalleryEntry> Captions => _captions;
    public int ImageCount => _images.Count;
    public int CaptionCount => _captions.Count;

    public void Apply(GalleryRecord record)
    {
        switch (record.Kind)
        {
            case GalleryRecordKind.AddImage:
                _images[record.Id] = new GalleryEntry(record.Id, record.Metadata, record.Payload);
                break;
            case GalleryRecordKind.DeleteImage:
                _images.Remove(record.Id);
                break;
            case GalleryRecordKind.AddCaption:
                _captions[record.Id] = new GalleryEntry(record.Id, record.Metadata, record.Payload);
                break;
            case GalleryRecordKind.DeleteCaption:
                _captions.Remove(record.Id);
                break;
            case GalleryRecordKind.Header:
                throw new ArgumentException("A header record does not change the gallery.", nameof(record));
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "Unknown record kind.");
        }
    }

    /// <summary>The adds that recreate this state, for compaction.</summary>
    internal IEnumerable<GalleryRecord> LiveRecords() =>
        _images.Values.Select(e => GalleryRecord.AddImage(e.Id, e.Payload, e.Metadata))
            .Concat(_captions.Values.Select(e => GalleryRecord.AddCaption(e.Id, e.Payload, e.Metadata)));
}
