namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// The live gallery rebuilt by replaying the log: an add inserts or replaces, a delete removes. Entries point at their
/// records in the log (<paramref name="readPayload"/> reads a record's payload back by its frame offset), so the state
/// holds ids and metadata only. Deletes are remembered too, for a log that continues a checkpoint: an id deleted here
/// may live in the checkpoint's sealed segments. Images and captions have separate id spaces. Not thread-safe;
/// <see cref="GalleryLog"/> guards it.
/// </summary>
public sealed class GalleryState(Func<long, ReadOnlyMemory<byte>> readPayload)
{
    private readonly Dictionary<string, GalleryEntry> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GalleryEntry> _captions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedImages = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedCaptions = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, GalleryEntry> Images => _images;
    public IReadOnlyDictionary<string, GalleryEntry> Captions => _captions;
    public int ImageCount => _images.Count;
    public int CaptionCount => _captions.Count;

    /// <summary>Applies <paramref name="record"/>, whose frame starts at <paramref name="frameOffset"/> in the log.</summary>
    public void Apply(GalleryRecord record, long frameOffset)
    {
        switch (record.Kind)
        {
            case GalleryRecordKind.AddImage:
                _images[record.Id] = new GalleryEntry(record.Id, record.Metadata, frameOffset, readPayload);
                _deletedImages.Remove(record.Id);
                break;
            case GalleryRecordKind.DeleteImage:
                _images.Remove(record.Id);
                _deletedImages.Add(record.Id);
                break;
            case GalleryRecordKind.AddCaption:
                _captions[record.Id] = new GalleryEntry(record.Id, record.Metadata, frameOffset, readPayload);
                _deletedCaptions.Remove(record.Id);
                break;
            case GalleryRecordKind.DeleteCaption:
                _captions.Remove(record.Id);
                _deletedCaptions.Add(record.Id);
                break;
            case GalleryRecordKind.Header:
                throw new ArgumentException("A header record does not change the gallery.", nameof(record));
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "Unknown record kind.");
        }
    }

    /// <summary>
    /// The records that recreate this state on top of whatever the log continues (nothing, or a checkpoint): the deletes
    /// of ids not added again, then one add per live entry. Payloads are read from the log as the sequence is walked.
    /// </summary>
    internal IEnumerable<GalleryRecord> LiveRecords() =>
        _deletedImages.Select(GalleryRecord.DeleteImage)
            .Concat(_deletedCaptions.Select(GalleryRecord.DeleteCaption))
            .Concat(_images.Values.Select(e => GalleryRecord.AddImage(e.Id, e.Payload, e.Metadata)))
            .Concat(_captions.Values.Select(e => GalleryRecord.AddCaption(e.Id, e.Payload, e.Metadata)));
}
