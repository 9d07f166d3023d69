namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// The single-process store, in a local data directory: a write-ahead log of changes (<see cref="GalleryLog"/>) and,
/// given an index to seal, checkpoints. An append is fsync'ed, then applied, under one lock, so the apply order is the
/// log order. Once the log holds <c>checkpointBytes</c>, a checkpoint seals the index into segment files
/// (<c>segments/</c>, memory-mapped by the index) and records them in <c>checkpoint.json</c> with the log that follows
/// them; start-up then opens the segments and replays only the logs since. The seal runs in the background: appends
/// wait only for the moment that freezes the index and starts the next log, not for the files to be written.
/// Without an index to seal, the log alone holds the gallery and is compacted at start when mostly dead.
/// </summary>
/// <remarks>
/// Crash safety of a checkpoint, step by step. Under the append lock: (1) the next log is created with its header and
/// fsync'ed (directory too), and later appends go to it; the index is frozen as of the last append to the old log.
/// In the background: (2) the frozen items are written into segment files, fsync'ed; (3) the index swaps them in;
/// (4) <c>checkpoint.json</c> is replaced atomically, naming the new segments and the log of (1); (5) older logs and
/// unreferenced segment files are deleted. Start-up replays the checkpoint's log and every log numbered after it
/// (<see cref="GalleryLogFiles"/>), so a crash before (4) leaves the old checkpoint, the old log and the new one, all
/// whole, which hold every acknowledged change; files from the unfinished checkpoint are unreferenced and deleted at the
/// next start. A crash after (4) leaves the new checkpoint, whose segments and log hold every acknowledged change.
/// </remarks>
public sealed class LocalGalleryStore : IGalleryStore
{
    /// <summary>The log's name inside the data directory before the first checkpoint.</summary>
    public const string LogFileName = GalleryLogFiles.First;

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
    // The log appended to; older logs still needed (replayed at start, then closed) come first in _replay.
    private GalleryLog _log;
    private List<GalleryLog> _replay;
    private volatile GalleryCheckpoint? _checkpoint;
    // Advanced on every use, never taken back: a failed checkpoint's files keep their names until the next one succeeds.
    private long _nextFile;
    private Action<IReadOnlyList<GalleryRecord>>? _apply;
    // The background checkpoint, at most one at a time; a failed one is begun again at the next append.
    private Task _sealing = Task.CompletedTask;
    private volatile Exception? _checkpointFailure;
    private int _checkpoints;

    private LocalGalleryStore(string dataDirectory, string bundleHash, List<GalleryLog> logs, GalleryCheckpoint? checkpoint, long nextFile,
        ISealableGallery? sealable, long checkpointBytes)
    {
        _dataDirectory = dataDirectory;
        _bundleHash = bundleHash;
        _log = logs[^1];
        _replay = logs[..^1];
        _checkpoint = checkpoint;
        _nextFile = nextFile;
        _sealable = sealable;
        _checkpointBytes = checkpointBytes;
    }

    /// <summary>
    /// Opens (or creates) the gallery in <paramref name="dataDirectory"/> for the bundle <paramref name="bundleHash"/>;
    /// with <paramref name="sealable"/>, checkpoints into segment files once the log holds <paramref name="checkpointBytes"/>.
    /// </summary>
    /// <exception cref="GalleryBundleMismatchException">The gallery was written with another bundle.</exception>
    /// <exception cref="GalleryLogCorruptException">A log is damaged before its end.</exception>
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
        RemoveUnreferenced(dataDirectory, checkpoint);
        // Logs started after the checkpoint hold changes too (a crash during a background seal leaves them), so the next
        // number comes after theirs as well as after the checkpoint's own.
        long nextFile = Math.Max(checkpoint?.NextFile ?? 1, GalleryLogFiles.Highest(dataDirectory) + 1);
        var logs = new List<GalleryLog>();
        try
        {
            foreach (string name in GalleryLogFiles.Live(dataDirectory, checkpoint))
                logs.Add(GalleryLog.Open(Path.Combine(dataDirectory, name), bundleHash));
        }
        catch
        {
            foreach (var log in logs) log.Dispose();
            throw;
        }
        return new LocalGalleryStore(dataDirectory, bundleHash, logs, checkpoint, nextFile, sealable, checkpointBytes);
    }

    public string Description => _checkpoint is { } c
        ? $"log {_log.Path} and {c.Segments.Count} segment files in {SegmentDirectory}"
        : $"log {_log.Path}";

    /// <summary>Where the last checkpoint stands in an upstream log (see <see cref="CheckpointAtAsync"/>), or null.</summary>
    public string? Upstream => _checkpoint?.Upstream;

    /// <summary>Records replayed from the logs by <see cref="StartAsync"/>: none for a copy that only checkpoints.</summary>
    public long Replayed { get; private set; }

    /// <summary>The torn tail cut at open, if any, of a start-up log (only the newest is ever appended to when a crash comes).</summary>
    public GalleryTailRepair? TailRepair => _log.TailRepair ?? _replay.Select(l => l.TailRepair).FirstOrDefault(r => r is not null);

    /// <summary>Checkpoints written by this process.</summary>
    public int Checkpoints => Volatile.Read(ref _checkpoints);

    /// <summary>
    /// Why the last checkpoint failed, or null. A failed checkpoint loses nothing (the logs still hold every change) and
    /// is begun again after the next append; the append that triggered it succeeded anyway, since it is durable.
    /// </summary>
    public Exception? CheckpointFailure => _checkpointFailure;

    /// <summary>The checkpoint running in the background, or a completed task: tests and shutdown wait for it. It never fails (see <see cref="CheckpointFailure"/>).</summary>
    internal Task Sealing
    {
        get { lock (_gate) return _sealing; }
    }

    /// <summary>
    /// For crash tests: called after each checkpoint step ("log-started" under the append lock; "sealed", "swapped",
    /// "checkpoint-written" in the background); throwing <see cref="CheckpointInterruptedException"/> stops the
    /// checkpoint there, as a crash would. A step that blocks holds the checkpoint there while appends go on.
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
            // Log by log, oldest first, in batches: payloads are read back from the log as they go, so start-up never
            // holds them all at once. Each log's live records are its net effect, so this equals replaying every record.
            long live = 0;
            foreach (var log in (IEnumerable<GalleryLog>)[.. _replay, _log])
                foreach (var batch in log.State.LiveRecords().Chunk(ReplayBatch))
                {
                    apply(batch);
                    Replayed += batch.Length;
                    live += batch.Sum(r => (long)r.Payload.Length + r.Metadata.Length + r.Id.Length + 32);
                }
            foreach (var log in _replay) log.Dispose();
            _replay = [];
            if (_sealable is not null)
            {
                // Items replayed from the logs sit in memory until the next checkpoint; sealing them now moves them to
                // the mapped files at once, so a restarted service holds no more than the gallery needs. Nothing is
                // appended before start returns, so this one is not put in the background.
                if (live > 0) Complete(Begin(upstream: null));
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
            if (_sealable is not null && _sealing.IsCompleted && (_log.Length >= _checkpointBytes || _checkpointFailure is not null))
                _sealing = CheckpointInBackground(upstream: null);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// For a copy of a gallery whose log is elsewhere (a Redis replica's): the caller applied changes to the index itself,
    /// not through <see cref="AppendAsync"/>, and none is being applied now; freezes them at once and seals them in the
    /// background, recording that the segments stand at <paramref name="upstream"/> in the upstream log, so a restart
    /// reads that log only after it. The caller may go on applying changes as soon as this returns.
    /// </summary>
    /// <returns>A task that completes when the checkpoint is written or has failed (<see cref="CheckpointFailure"/> says which); it never fails.</returns>
    public Task CheckpointAtAsync(string upstream)
    {
        ArgumentException.ThrowIfNullOrEmpty(upstream);
        if (_sealable is null) throw new InvalidOperationException("A store without an index to seal keeps no checkpoints.");
        lock (_gate)
        {
            if (_apply is null) throw new InvalidOperationException("Start the store before checkpointing.");
            // Such a copy appends nothing, so no checkpoint of the store's own runs; the caller runs one at a time.
            if (!_sealing.IsCompleted) throw new InvalidOperationException("A checkpoint is already being written; begin the next once it is done.");
            return _sealing = CheckpointInBackground(upstream);
        }
    }

    /// <summary>A checkpoint begun: the frozen index, the log that continues it, and the upstream position it stands at.</summary>
    private sealed record Checkpoint(IGallerySeal Seal, string Log, string? Upstream);

    /// <summary>
    /// Under the lock, while nothing is appended: starts the next log (created, header fsync'ed, directory fsync'ed) and
    /// freezes the index as of the last append to the old one. Appends go to the new log from here on.
    /// </summary>
    private Checkpoint Begin(string? upstream)
    {
        string logName = GalleryLogFiles.Name(Interlocked.Increment(ref _nextFile) - 1);
        var log = GalleryLog.Open(Path.Combine(_dataDirectory, logName), _bundleHash);
        (_log, log) = (log, _log);
        // The old log is complete and fsync'ed; it stays on disk, replayed at start, until a checkpoint covers it.
        log.Dispose();
        var seal = _sealable!.BeginSeal();
        CheckpointStep?.Invoke("log-started");
        return new Checkpoint(seal, logName, upstream ?? _checkpoint?.Upstream);
    }

    /// <summary>
    /// Begins a checkpoint under the lock (the caller holds it) and completes it on the thread pool. The task never
    /// fails: a failure is kept in <see cref="CheckpointFailure"/> until a checkpoint succeeds. Nothing is lost by one:
    /// the logs since the last checkpoint are all still on disk and replayed at start.
    /// </summary>
    private Task CheckpointInBackground(string? upstream)
    {
        Checkpoint pending;
        try
        {
            pending = Begin(upstream);
        }
        catch (Exception e)
        {
            _checkpointFailure = e;
            return Task.CompletedTask;
        }
        return Task.Run(() =>
        {
            try
            {
                Complete(pending);
                _checkpointFailure = null;
            }
            catch (Exception e)
            {
                _checkpointFailure = e;
            }
        });
    }

    /// <summary>
    /// Writes the frozen index into segment files, swaps them in, and records them with the log begun for them (see the
    /// class remarks for crash safety). Needs no lock: appends meanwhile go to the new log and to newer segments.
    /// </summary>
    private void Complete(Checkpoint pending)
    {
        Directory.CreateDirectory(SegmentDirectory);
        pending.Seal.Write(SegmentDirectory, kind => $"{kind}-{Interlocked.Increment(ref _nextFile) - 1:D6}.seg");
        DirectorySync.Flush(SegmentDirectory);
        CheckpointStep?.Invoke("sealed");
        var segments = pending.Seal.Commit();
        CheckpointStep?.Invoke("swapped");
        var checkpoint = new GalleryCheckpoint(GalleryCheckpoint.CurrentFormat, _bundleHash, pending.Log, segments,
            Interlocked.Read(ref _nextFile), pending.Upstream);
        checkpoint.Write(_dataDirectory);
        CheckpointStep?.Invoke("checkpoint-written");
        _checkpoint = checkpoint;
        Interlocked.Increment(ref _checkpoints);
        RemoveUnreferenced(_dataDirectory, checkpoint);
    }

    /// <summary>
    /// Deletes logs older than the checkpoint's and segment files it does not refer to: left by a finished or an
    /// interrupted checkpoint. Called at open and after a checkpoint, never while another one writes files.
    /// </summary>
    private static void RemoveUnreferenced(string dataDirectory, GalleryCheckpoint? checkpoint)
    {
        foreach (string log in GalleryLogFiles.Obsolete(dataDirectory, checkpoint)) File.Delete(Path.Combine(dataDirectory, log));
        string segments = Path.Combine(dataDirectory, SegmentDirectoryName);
        if (!Directory.Exists(segments)) return;
        var referenced = (checkpoint?.Segments ?? []).Select(s => s.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(segments))
            if (!referenced.Contains(Path.GetFileName(file))) File.Delete(file);
    }

    public async ValueTask DisposeAsync()
    {
        // A checkpoint half done would be safe to drop, but its files would wait for the next start to be removed.
        await Sealing.ConfigureAwait(false);
        lock (_gate)
        {
            _log.Dispose();
            foreach (var log in _replay) log.Dispose();
        }
    }
}

/// <summary>A checkpoint stopped on purpose between two steps (crash tests).</summary>
public sealed class CheckpointInterruptedException(string step) : Exception($"checkpoint interrupted after step '{step}'");
