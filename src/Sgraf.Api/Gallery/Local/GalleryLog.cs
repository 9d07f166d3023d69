namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// The durable gallery: an append-only write-ahead log of adds and deletes, replayed into
/// <see cref="State"/> at open. Every <c>Append</c> is fsync'ed before it returns, so an
/// acknowledged change survives kill -9. Owns the file handle; dispose to release it.
/// </summary>
public sealed class GalleryLog : IDisposable
{
    private readonly object _gate = new();
    private FileStream _file;

    private GalleryLog(string path, string bundleHash, FileStream file, GalleryTailRepair? tailRepair)
    {
        Path = path;
        BundleHash = bundleHash;
        _file = file;
        TailRepair = tailRepair;
    }

    public string Path { get; }
    public string BundleHash { get; }

    /// <summary>
    /// The live gallery (ids, metadata, and where each payload lies in the file). Read it under the caller's own
    /// synchronisation if appends run concurrently.
    /// </summary>
    public GalleryState State { get; private set; } = null!;

    /// <summary>The torn tail cut off while opening, or null when the log ended cleanly.</summary>
    public GalleryTailRepair? TailRepair { get; }

    /// <summary>Size of the log file in bytes.</summary>
    public long Length
    {
        get { lock (_gate) { return _file.Length; } }
    }

    /// <summary>
    /// Opens (or creates) the log at <paramref name="path"/> for <paramref name="bundleHash"/> and replays it.
    /// </summary>
    /// <exception cref="GalleryBundleMismatchException">The log belongs to another bundle.</exception>
    /// <exception cref="GalleryLogCorruptException">A damaged record is followed by intact ones.</exception>
    public static GalleryLog Open(string path, string bundleHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(bundleHash);
        path = System.IO.Path.GetFullPath(path);

        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            GalleryLog? log = null;
            var replay = GalleryLogReplay.Run(path, file.SafeFileHandle, file.Length, offset => log!.ReadPayload(offset));
            if (replay.BundleHash is null)
            {
                // A brand-new log, or one whose header never reached the disk: nothing was acknowledged yet.
                file.SetLength(0);
                Write(file, GalleryRecordFrame.Encode(GalleryRecord.Header(bundleHash)));
                DirectorySync.Flush(System.IO.Path.GetDirectoryName(path)!);
            }
            else if (replay.BundleHash != bundleHash)
            {
                throw new GalleryBundleMismatchException(path, bundleHash, replay.BundleHash);
            }
            else if (replay.TailRepair is { } repair)
            {
                file.SetLength(repair.Offset);
                file.Flush(flushToDisk: true);
            }
            file.Seek(0, SeekOrigin.End);
            log = new GalleryLog(path, bundleHash, file, replay.TailRepair) { State = replay.State };
            return log;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes and fsyncs one record, then applies it to <see cref="State"/>. Concurrent calls are serialised.</summary>
    public void Append(GalleryRecord record) => Append([record]);

    /// <summary>
    /// Writes the records and fsyncs once, then applies them to <see cref="State"/> in order. Concurrent calls are
    /// serialised. A crash before the fsync may keep any prefix of the records; none was acknowledged.
    /// </summary>
    public void Append(IReadOnlyList<GalleryRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        var frames = new List<byte[]>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} is null.", nameof(records));
            if (record.Kind == GalleryRecordKind.Header)
            {
                throw new ArgumentException("The header is written by Open and Compact only.", nameof(records));
            }
            frames.Add(GalleryRecordFrame.Encode(record));
        }
        var bytes = new byte[frames.Sum(f => f.Length)];
        int at = 0;
        foreach (var frame in frames)
        {
            frame.CopyTo(bytes, at);
            at += frame.Length;
        }
        lock (_gate)
        {
            long end = _file.Length;
            try
            {
                Write(_file, bytes);
            }
            catch
            {
                // A half-written frame followed by later appends would read as mid-file corruption.
                _file.SetLength(end);
                _file.Seek(end, SeekOrigin.Begin);
                throw;
            }
            long offset = end;
            for (int i = 0; i < records.Count; i++)
            {
                State.Apply(records[i], offset);
                offset += frames[i].Length;
            }
        }
    }

    /// <summary>The payload of the record whose frame starts at <paramref name="frameOffset"/>, read from the file.</summary>
    /// <exception cref="GalleryLogCorruptException">The record no longer reads back whole (the file was damaged after it was written).</exception>
    internal ReadOnlyMemory<byte> ReadPayload(long frameOffset)
    {
        lock (_gate)
        {
            return GalleryLogReplay.TryRead(_file.SafeFileHandle, _file.Length, frameOffset, out _, out string problem)?.Payload
                ?? throw new GalleryLogCorruptException(Path, frameOffset, problem);
        }
    }

    /// <summary>
    /// Rewrites the log as a header plus one add per live entry, atomically: a crash at any moment leaves
    /// either the old log or the new one.
    /// </summary>
    public void Compact()
    {
        lock (_gate)
        {
            string temp = Path + ".compact";
            var compacted = new GalleryState(ReadPayload);
            using (var snapshot = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                snapshot.Write(GalleryRecordFrame.Encode(GalleryRecord.Header(BundleHash)));
                foreach (GalleryRecord record in State.LiveRecords())
                {
                    compacted.Apply(record, snapshot.Position);
                    snapshot.Write(GalleryRecordFrame.Encode(record));
                }
                snapshot.Flush(flushToDisk: true);
            }
            _file.Dispose();
            bool renamed = false;
            try
            {
                File.Move(temp, Path, overwrite: true);
                renamed = true;
                DirectorySync.Flush(System.IO.Path.GetDirectoryName(Path)!);
            }
            finally
            {
                // Whichever file won the rename is a complete log; keep appending to it.
                _file = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                _file.Seek(0, SeekOrigin.End);
                // The new state's offsets are those of the rewritten file; a failed rename left the old file and state.
                if (renamed) State = compacted;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private static void Write(FileStream file, byte[] frame)
    {
        file.Write(frame);
        file.Flush(flushToDisk: true);
    }
}
