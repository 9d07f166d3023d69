namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// The single-process store, in a local data directory: a write-ahead log of changes (<see cref="GalleryLog"/>) and,
/// given an index to seal, checkpoints. An append is fsync'ed, then applied, under one lock, so the apply order is the
/// log order. Once the log holds <c>checkpointBytes</c>, a checkpoint seals the index into segment files
/// (<c>segments/</c>, memory-mapped by the index), starts a new log, and records both in <c>checkpoint.json</c>;
/// start-up then opens the segments and replays only the log since. Without an index to seal, the log alone holds the
/// gallery and is compacted at start when mostly dead.
/// </summary>
/// <remarks>
/// Crash safety of a checkpoint, step by step: (1) segment files are written and fsync'ed, (2) the next log is created
/// with its header and fsync'ed, (3) <c>checkpoint.json</c> is replaced atomically, (4) the old log and unreferenced
/// segment files are deleted. A crash before (3) leaves the old checkpoint and the old log, both whole, which hold every
/// acknowledged change; files from the unfinished checkpoint are unreferenced and deleted at the next start. A crash
/// after (3) leaves the new checkpoint, whose segments and log hold every acknowledged change.
/// </remarks>
public sealed class LocalGalleryStore : IGalleryStore
{
    /// <summary>The log's name inside the data directory before the first checkpoint.</summary>
    public const string LogFileName = "gallery.log";

    /// <summary>Where segment files live inside the data directory.</summary>
    public const string SegmentDirectoryName = "segments";

    /// <summary>Log size that triggers a checkpoint unless configured (Sgraf:Storage:CheckpointBytes).</summary>
    public const long DefaultCheckpointBytes = 64L << 20;

    /// <summary>Records applied per call at start-up.</summary>
    private const int ReplayBatch = 256;

    private readonly string _dataDirectory;
    private readonly string _bundleHash;
    private readonly ISealableGallery? _sealable;
    private readonly long _checkpointBytes;
    private readonly object _gate = new();
    private GalleryLog _log;
    private GalleryCheckpoint? _checkpoint;
    // Advanced on every use, never taken back: a failed checkpoint's files keep their names until the next one succeeds.
    private long _nextFile;
    private Action<IReadOnlyList<GalleryRecord>>? _apply;

    private LocalGalleryStore(string dataDirectory, string bundleHash, GalleryLog log, GalleryCheckpoint? checkpoint, ISealableGallery? sealable, long checkpointBytes)
    {
        _dataDirectory = dataDirectory;
        _bundleHash = bundleHash;
        _log = log;
        _checkpoint = checkpoint;
        _nextFile = checkpoint?.NextFile ?? 1;
        _sealable = sealable;
        _checkpointBytes = checkpointBytes;
    }

    /// <summary>
    /// Opens (or creates) the gallery in <paramref name="dataDirectory"/> for the bundle <paramref name="bundleHash"/>;
    /// with <paramref name="sealable"/>, checkpoints into segment files once the log holds <paramref name="checkpointBytes"/>.
    /// </summary>
    /// <exception cref="GalleryBundleMismatchException">The gallery was written with another bundle.</exception>
    /// <exception cref="GalleryLogCorruptException">The log is damaged before its end.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is unreadable, or needs an index to restore into.</exception>
    public static LocalGalleryStore Open(string dataDirectory, string bundleHash, ISealableGallery? sealable = null, long checkpointBytes = DefaultCheckpointBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpointBytes);
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var checkpoint = GalleryCheckpoint.Read(dataDirectory);
        if (checkpoint is not null)
        {
            if (checkpoint.EmbeddingsHash != bundleHash)
                throw new GalleryBundleMismatchException(Path.Combine(dataDirectory, GalleryCheckpoint.FileName), bundleHash, checkpoint.EmbeddingsHash);
            if (sealable is null)
                throw new InvalidDataException($"{Path.Combine(dataDirectory, GalleryCheckpoint.FileName)} keeps the gallery in segment files; open the store with an index to restore them into");
        }
        string logName = checkpoint?.Log ?? LogFileName;
        RemoveUnreferenced(dataDirectory, logName, checkpoint);
        var log = GalleryLog.Open(Path.Combine(dataDirectory, logName), bundleHash);
        return new LocalGalleryStore(dataDirectory, bundleHash, log, checkpoint, sealable, checkpointBytes);
    }

    public string Description => _checkpoint is { } c
        ? $"log {_log.Path} and {c.Segments.Count} segment files in {SegmentDirectory}"
        : $"log {_log.Path}";

    /// <summary>Where the last checkpoint stands in an upstream log (see <see cref="CheckpointAt"/>), or null.</summary>
    public string? Upstream => _checkpoint?.Upstream;

    /// <summary>Records replayed from the log by <see cref="StartAsync"/>: none for a copy that only checkpoints.</summary>
    public long Replayed { get; private set; }

    /// <summary>The torn tail cut at open, if any, for the start-up log.</summary>
    public GalleryTailRepair? TailRepair => _log.TailRepair;

    /// <summary>Checkpoints written by this process.</summary>
    public int Checkpoints { get; private set; }

    /// <summary>
    /// Why the last checkpoint failed, or null. A failed checkpoint loses nothing (the log still holds every change) and
    /// is tried again after the next append; the append that triggered it still succeeds, since it is durable.
    /// </summary>
    public Exception? CheckpointFailure { get; private set; }

    /// <summary>
    /// For crash tests: called after each checkpoint step ("sealed", "log-created", "checkpoint-written"); throwing
    /// <see cref="CheckpointInterruptedException"/> stops the checkpoint there, as a crash would.
    /// </summary>
    internal Action<string>? CheckpointStep { get; set; }

    string SegmentDirectory => Path.Combine(_dataDirectory, SegmentDirectoryName);

    public Task StartAsync(Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        lock (_gate)
        {
            if (_apply is not null) throw new InvalidOperationException("The store was already started.");
            _apply = apply;
            if (_checkpoint is { } checkpoint) _sealable!.Restore(SegmentDirectory, checkpoint.Segments);
            // In batches: payloads are read back from the log as they go, so start-up never holds them all at once.
            long live = 0;
            foreach (var batch in _log.State.LiveRecords().Chunk(ReplayBatch))
            {
                apply(batch);
                Replayed += batch.Length;
                live += batch.Sum(r => (long)r.Payload.Length + r.Metadata.Length + r.Id.Length + 32);
            }
            if (_sealable is not null)
            {
                // Items replayed from the log sit in memory until the next checkpoint; sealing them now moves them to
                // the mapped files at once, so a restarted service holds no more than the gallery needs.
                if (live > 0) Checkpoint();
            }
            // Without segments, a log that is mostly replaced or deleted records is rewritten, so restarts stay fast.
            else if (_log.Length > 2 * live + (1 << 20)) _log.Compact();
        }
        return Task.CompletedTask;
    }

    public Task AppendAsync(IReadOnlyList<GalleryRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            var apply = _apply ?? throw new InvalidOperationException("Start the store before appending.");
            _log.Append(records);
            apply(records);
            if (_sealable is not null && _log.Length >= _checkpointBytes)
            {
                try
                {
                    Checkpoint();
                    CheckpointFailure = null;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CheckpointInterruptedException)
                {
                    CheckpointFailure = e;
                }
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// For a copy of a gallery whose log is elsewhere (a Redis replica's): the caller applied changes to the index itself,
    /// not through <see cref="AppendAsync"/>, and none is being applied now; seals them and records that the segments
    /// stand at <paramref name="upstream"/> in the upstream log, so a restart reads that log only after it.
    /// </summary>
    public void CheckpointAt(string upstream)
    {
        ArgumentException.ThrowIfNullOrEmpty(upstream);
        lock (_gate)
        {
            if (_apply is null) throw new InvalidOperationException("Start the store before checkpointing.");
            if (_sealable is null) throw new InvalidOperationException("A store without an index to seal keeps no checkpoints.");
            Checkpoint(upstream);
        }
    }

    /// <summary>Seals the index into segment files and starts a new log (see the class remarks for crash safety).</summary>
    private void Checkpoint(string? upstream = null)
    {
        Directory.CreateDirectory(SegmentDirectory);
        var segments = _sealable!.Seal(SegmentDirectory, kind => $"{kind}-{_nextFile++:D6}.seg");
        DirectorySync.Flush(SegmentDirectory);
        CheckpointStep?.Invoke("sealed");

        string logName = $"gallery-{_nextFile++:D6}.log";
        var log = GalleryLog.Open(Path.Combine(_dataDirectory, logName), _bundleHash);
        try
        {
            CheckpointStep?.Invoke("log-created");
            var checkpoint = new GalleryCheckpoint(GalleryCheckpoint.CurrentFormat, _bundleHash, logName, segments, _nextFile, upstream ?? _checkpoint?.Upstream);
            checkpoint.Write(_dataDirectory);
            CheckpointStep?.Invoke("checkpoint-written");
            (_log, log) = (log, _log);
            _checkpoint = checkpoint;
            Checkpoints++;
        }
        finally
        {
            // The old log after a checkpoint was written; the new one when it was not (the old checkpoint still stands).
            log.Dispose();
        }
        RemoveUnreferenced(_dataDirectory, logName, _checkpoint);
    }

    /// <summary>Deletes logs and segment files that no checkpoint refers to: left by a finished or an interrupted checkpoint.</summary>
    private static void RemoveUnreferenced(string dataDirectory, string logName, GalleryCheckpoint? checkpoint)
    {
        foreach (var log in Directory.EnumerateFiles(dataDirectory, "gallery*.log"))
            if (Path.GetFileName(log) != logName) File.Delete(log);
        string segments = Path.Combine(dataDirectory, SegmentDirectoryName);
        if (!Directory.Exists(segments)) return;
        var referenced = (checkpoint?.Segments ?? []).Select(s => s.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(segments))
            if (!referenced.Contains(Path.GetFileName(file))) File.Delete(file);
    }

    public ValueTask DisposeAsync()
    {
        _log.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A checkpoint stopped on purpose between two steps (crash tests).</summary>
public sealed class CheckpointInterruptedException(string step) : Exception($"checkpoint interrupted after step '{step}'");
