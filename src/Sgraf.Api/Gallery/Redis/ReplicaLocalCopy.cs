using Sgraf.Api.Gallery.Local;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// One replica's copy of the shared gallery on its own disk, in the local store's tiered layout (memory-mapped sealed
/// segments and checkpoint.json, <see cref="LocalGalleryStore"/>). Entries read from the stream are applied to the index
/// directly (the stream is the write-ahead log, so the local log stays empty); once they add up to
/// <c>checkpointBytes</c>, the index is frozen and sealed in the background (the follower goes on applying entries), and
/// the checkpoint records the stream id it was frozen at. A restart opens the segments and reads the stream only after
/// that id.
/// </summary>
internal sealed class ReplicaLocalCopy : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly string _bundleHash;
    private readonly ISealableGallery _index;
    private readonly long _checkpointBytes;
    private readonly string _stream;
    private LocalGalleryStore _store;
    // Entries applied since the last checkpoint began; the follower's loop alone reads and writes it.
    private long _bytesSinceCheckpoint;
    // The checkpoint being written in the background, one at a time.
    private Task _checkpointing = Task.CompletedTask;
    // Read by the heartbeat while the follower writes it; two words, so under a lock.
    private readonly object _gate = new();
    private StreamEntryId _checkpointed;

    private ReplicaLocalCopy(string dataDirectory, string bundleHash, ISealableGallery index, long checkpointBytes, string stream)
    {
        _dataDirectory = dataDirectory;
        _bundleHash = bundleHash;
        _index = index;
        _checkpointBytes = checkpointBytes;
        _stream = stream;
        _store = LocalGalleryStore.Open(dataDirectory, bundleHash, index, checkpointBytes);
        _checkpointed = ParseUpstream(_store.Upstream);
    }

    /// <summary>Opens the copy in <paramref name="dataDirectory"/> (created if missing) of the gallery kept in <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The directory holds a local store's gallery, or another stream's copy.</exception>
    public static ReplicaLocalCopy Open(string dataDirectory, string bundleHash, ISealableGallery index, long checkpointBytes, string stream) =>
        new(dataDirectory, bundleHash, index, checkpointBytes, stream);

    /// <summary>The stream id the local checkpoint stands at: a restart needs the stream only after it. Zero: no checkpoint.</summary>
    public StreamEntryId Checkpointed
    {
        get { lock (_gate) return _checkpointed; }
        private set { lock (_gate) _checkpointed = value; }
    }

    public string Description => $"local copy in {_dataDirectory}";

    /// <summary>Drops the checkpoint and its segments, for a replica that starts again from a snapshot.</summary>
    public async Task DiscardAsync()
    {
        await _store.DisposeAsync().ConfigureAwait(false);
        // Without checkpoint.json, opening the store deletes every segment file; its logs hold nothing (the stream is the log).
        File.Delete(Path.Combine(_dataDirectory, GalleryCheckpoint.FileName));
        _store = LocalGalleryStore.Open(_dataDirectory, _bundleHash, _index, _checkpointBytes);
        Checkpointed = StreamEntryId.Zero;
    }

    /// <summary>Restores the checkpoint's segments into the index.</summary>
    /// <exception cref="InvalidDataException">The local log holds records: the directory was a local store's.</exception>
    public async Task StartAsync(Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        await _store.StartAsync(apply, cancellationToken).ConfigureAwait(false);
        if (_store.Replayed > 0)
            throw new InvalidDataException(
                $"{_dataDirectory} holds a local gallery log with {_store.Replayed} records; a Redis replica's Sgraf:DataDirectory must hold only its own copy of the shared gallery. Give it an empty directory.");
    }

    /// <summary>
    /// On the follower's loop, after entry <paramref name="id"/> (<paramref name="bytes"/> long) was applied: begins a
    /// checkpoint once enough has been or the last one failed, unless one is still being written (then
    /// <see cref="CheckpointIfDue"/> begins it once that one is done).
    /// </summary>
    public void Applied(StreamEntryId id, long bytes)
    {
        _bytesSinceCheckpoint += bytes;
        // A failed checkpoint loses nothing (the stream still holds every entry after the last one): begun again now.
        if (_store.CheckpointFailure is not null) Begin(id);
        else CheckpointIfDue(id);
    }

    /// <summary>
    /// On the follower's loop, with nothing being applied, <paramref name="id"/> the last entry applied: begins a
    /// checkpoint if a checkpoint's worth was applied since the last one began.
    /// </summary>
    public void CheckpointIfDue(StreamEntryId id)
    {
        if (_bytesSinceCheckpoint >= _checkpointBytes) Begin(id);
    }

    /// <summary>At start, on the follower's loop: seals what was applied up to <paramref name="id"/>, and waits for it.</summary>
    public Task CheckpointNowAsync(StreamEntryId id) => Begin(id);

    /// <summary>
    /// Freezes what was applied up to <paramref name="id"/> (the follower applies nothing meanwhile) and seals it in the
    /// background, unless the checkpoint already stands there or one is still being written. The returned task never fails.
    /// </summary>
    private Task Begin(StreamEntryId id)
    {
        if (id <= Checkpointed || !_checkpointing.IsCompleted) return _checkpointing;
        _bytesSinceCheckpoint = 0;
        var store = _store;
        _checkpointing = store.CheckpointAtAsync($"{_stream} {id}").ContinueWith(_ =>
        {
            if (store.CheckpointFailure is null) Checkpointed = id;
        }, TaskScheduler.Default);
        return _checkpointing;
    }

    private StreamEntryId ParseUpstream(string? upstream)
    {
        string checkpoint = Path.Combine(_dataDirectory, GalleryCheckpoint.FileName);
        if (GalleryCheckpoint.Read(_dataDirectory) is not null && upstream is null)
            throw new InvalidDataException($"{checkpoint} is a local store's checkpoint; a Redis replica's Sgraf:DataDirectory must hold only its own copy of the shared gallery. Give it an empty directory.");
        if (upstream is null) return StreamEntryId.Zero;
        int space = upstream.LastIndexOf(' ');
        if (space < 0 || upstream[..space] != _stream)
            throw new InvalidDataException($"{checkpoint} is a copy of '{upstream}', not of stream {_stream}; give each gallery's replicas their own Sgraf:DataDirectory.");
        return StreamEntryId.Parse(upstream[(space + 1)..]);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
