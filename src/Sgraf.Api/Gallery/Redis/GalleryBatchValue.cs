namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// One append (a batch of records) as the value of one stream entry: the records' <see cref="GalleryRecordFrame"/>s
/// back to back, the same CRC-checked framing as the local log, so a damaged value is detected rather than applied.
/// </summary>
internal static class GalleryBatchValue
{
    /// <summary>The stream entry's only field.</summary>
    public const string Field = "frames";

    public static byte[] Encode(IReadOnlyList<GalleryRecord> records)
    {
        var frames = new byte[records.Count][];
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} is null.", nameof(records));
            if (record.Kind == GalleryRecordKind.Header)
            {
                throw new ArgumentException("The bundle hash is kept in its own key, never appended.", nameof(records));
            }
            frames[i] = GalleryRecordFrame.Encode(record);
        }

        var value = new byte[frames.Sum(f => (long)f.Length)];
        int at = 0;
        foreach (byte[] frame in frames)
        {
            frame.CopyTo(value, at);
            at += frame.Length;
        }
        return value;
    }

    /// <exception cref="InvalidDataException">The value is not a whole sequence of intact frames.</exception>
    public static List<GalleryRecord> Decode(ReadOnlySpan<byte> value, string where)
    {
        var records = new List<GalleryRecord>();
        long offset = 0;
        while (offset < value.Length)
        {
            var record = GalleryRecordFrame.TryDecode(value, offset, out int frameSize, out string problem)
                ?? throw new InvalidDataException($"{where} is damaged at byte {offset} ({problem}).");
            if (record.Kind == GalleryRecordKind.Header)
            {
                throw new InvalidDataException($"{where} holds a header record at byte {offset}; only adds and deletes belong there.");
            }
            records.Add(record);
            offset += frameSize;
        }
        return records;
    }
}
