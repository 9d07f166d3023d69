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
    private readonly IdSpace _images = new();
    private readonly IdSpace _captions = new();

    public IReadOnlyDictionary<string, GalleryEntry> Images => _images.Live;
    public IReadOnlyDictionary<string, GalleryEntry> Captions => _captions.Live;
    public int ImageCount => _images.Live.Count;
    public int CaptionCount => _captions.Live.Count;

    /// <summary>Applies <paramref name="record"/>, whose frame starts at <paramref name="frameOffset"/> in the log.</summary>
    public void Apply(GalleryRecord record, long frameOffset)
    {
        switch (record.Kind)
        {
            case GalleryRecordKind.AddImage or GalleryRecordKind.AddCaption:
                Space(record.Kind).Add(new GalleryEntry(record.Id, record.Metadata, frameOffset, readPayload));
                break;
            case GalleryRecordKind.DeleteImage or GalleryRecordKind.DeleteCaption:
                Space(record.Kind).Delete(record.Id);
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
        _images.Deleted.Select(GalleryRecord.DeleteImage)
            .Concat(_captions.Deleted.Select(GalleryRecord.DeleteCaption))
            .Concat(_images.Live.Values.Select(e => GalleryRecord.AddImage(e.Id, e.Payload, e.Metadata)))
            .Concat(_captions.Live.Values.Select(e => GalleryRecord.AddCaption(e.Id, e.Payload, e.Metadata)));

    private IdSpace Space(GalleryRecordKind kind) =>
        kind is GalleryRecordKind.AddImage or GalleryRecordKind.DeleteImage ? _images : _captions;

    /// <summary>One id space: the live entries, and the ids deleted and not added again.</summary>
    private sealed class IdSpace
    {
        public Dictionary<string, GalleryEntry> Live { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Deleted { get; } = new(StringComparer.Ordinal);

        public void Add(GalleryEntry entry)
        {
            Live[entry.Id] = entry;
            Deleted.Remove(entry.Id);
        }

        public void Delete(string id)
        {
            Live.Remove(id);
            Deleted.Add(id);
        }
    }
}
