namespace Sgraf.Api.Gallery;

/// <summary>
/// The durable gallery: an append-only write-ahead log of adds and deletes, replayed into
/// <see cref="State"/> at open. Every <c>Append</c> is fsync'ed before it returns, so an
/// acknowledged change survives kill -9. Owns the file handle; dispose to release it.
/// </summary>
public sealed class GalleryLog : IDisposable
{
    private readonly object _gate = new();
    private FileStream _file;

    private GalleryLog(string path, string bundleHash, FileStream file, GalleryState state, GalleryTailRepair? tailRepair)
    {
        Path = path;
        BundleHash = bundleHash;
        _file = file;
        State = state;
        TailRepair = tailRepair;
    }

    public string Path { get; }
    public string BundleHash { get; }

    /// <summary>The live gallery. Read it under the caller's own synchronisation if appends run concurrently.</summary>
    public GalleryState State { get; }

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
            var replay = GalleryLogReplay.Run(path, file.SafeFileHandle, file.Length);
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
            return new GalleryLog(path, bundleHash, file, replay.State, replay.TailRepair);
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
        var owned = new GalleryRecord[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} is null.", nameof(records));
            if (record.Kind == GalleryRecordKind.Header)
            {
                throw new ArgumentException("The header is written by Open and Compact only.", nameof(records));
            }
            frames.Add(GalleryRecordFrame.Encode(record));
            // The state keeps the payload; a copy stops the caller's later writes to its buffer from reaching it.
            owned[i] = record with { Payload = record.Payload.ToArray() };
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
            foreach (var record in owned) State.Apply(record);
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
            using (var snapshot = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                snapshot.Write(GalleryRecordFrame.Encode(GalleryRecord.Header(BundleHash)));
                foreach (GalleryRecord record in State.LiveRecords())
                {
                    snapshot.Write(GalleryRecordFrame.Encode(record));
                }
                snapshot.Flush(flushToDisk: true);
            }
            _file.Dispose();
            try
            {
                File.Move(temp, Path, overwrite: true);
                DirectorySync.Flush(System.IO.Path.GetDirectoryName(Path)!);
            }
            finally
            {
                // Whichever file won the rename is a complete log; keep appending to it.
                _file = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                _file.Seek(0, SeekOrigin.End);
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
