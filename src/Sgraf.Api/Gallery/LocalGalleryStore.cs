namespace Sgraf.Api.Gallery;

/// <summary>
/// The single-process store: the gallery log (<see cref="GalleryLog"/>) in a local data directory. An append is
/// fsync'ed, then applied, under one lock, so the apply order is the log order.
/// </summary>
public sealed class LocalGalleryStore : IGalleryStore
{
    /// <summary>The log's name inside the data directory.</summary>
    public const string LogFileName = "gallery.log";

    private readonly GalleryLog _log;
    private readonly object _gate = new();
    private Action<IReadOnlyList<GalleryRecord>>? _apply;

    private LocalGalleryStore(GalleryLog log) => _log = log;

    /// <summary>Opens (or creates) <c>gallery.log</c> in <paramref name="dataDirectory"/> for the bundle <paramref name="bundleHash"/>.</summary>
    /// <exception cref="GalleryBundleMismatchException">The log was written with another bundle.</exception>
    /// <exception cref="GalleryLogCorruptException">The log is damaged before its end.</exception>
    public static LocalGalleryStore Open(string dataDirectory, string bundleHash)
    {
        Directory.CreateDirectory(dataDirectory);
        return new LocalGalleryStore(GalleryLog.Open(Path.Combine(dataDirectory, LogFileName), bundleHash));
    }

    public string Description => $"log {_log.Path}";

    /// <summary>The torn tail cut at open, if any, for the start-up log.</summary>
    public GalleryTailRepair? TailRepair => _log.TailRepair;

    public Task StartAsync(Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        lock (_gate)
        {
            if (_apply is not null) throw new InvalidOperationException("The store was already started.");
            _apply = apply;
            GalleryRecord[] records = [.. _log.State.LiveRecords()];
            apply(records);
            // A log that is mostly replaced or deleted records is rewritten, so restarts stay fast.
            long live = records.Sum(r => (long)r.Payload.Length + r.Metadata.Length + r.Id.Length + 32);
            if (_log.Length > 2 * live + (1 << 20)) _log.Compact();
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
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _log.Dispose();
        return ValueTask.CompletedTask;
    }
}
