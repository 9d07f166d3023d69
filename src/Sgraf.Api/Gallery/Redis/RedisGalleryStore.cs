using Microsoft.Extensions.Logging;
using Sgraf.Api.Configuration;
using Sgraf.Api.Observability;
using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// The gallery shared by replicas: a Redis stream, one entry per append, that every replica applies in stream order
/// (<see cref="RedisLogFollower"/>). Durable on return only when Redis runs with <c>appendonly yes</c> and
/// <c>appendfsync always</c>; the store checks at start and warns otherwise. Owns its Redis connection.
/// </summary>
/// <remarks>
/// <para>Given a <see cref="ReplicaDisk"/>, the replica keeps its index in the local tiered layout on its own disk
/// (<see cref="ReplicaLocalCopy"/>): a restart opens its segments and reads the stream only after its checkpoint.</para>
/// <para>The stream stays bounded: each replica publishes how far it has checkpointed (<see cref="RedisStreamTrim"/>),
/// a replica writes a snapshot of the live gallery once the stream has grown by half the last one
/// (<see cref="RedisSnapshot"/>), and the stream is trimmed to what every live replica and the snapshot still need.
/// A replica whose entries were trimmed starts from the snapshot; if none covers them it refuses to start.</para>
/// <para>One Redis primary holds it; Redis Cluster is not supported (the scripts touch several keys).</para>
/// </remarks>
public sealed class RedisGalleryStore : IGalleryStore
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisGalleryKeys _keys;
    private readonly string _server;
    private readonly string _bundleHash;
    private readonly ILogger _logger;
    private readonly ReplicaDisk? _disk;
    private readonly string _replicaName;
    private readonly TimeSpan _replicaTtl;
    private readonly CancellationTokenSource _stopping = new();
    private int _startCalls;
    private volatile RedisLogFollower? _follower;
    private ReplicaLocalCopy? _copy;
    private Task _heartbeat = Task.CompletedTask;
    private volatile bool _started;
    private readonly RedisSnapshotSchedule? _snapshots;
    private readonly GalleryQuarantineMetrics? _quarantineMetrics;
    private readonly string _gallery;
    private StreamEntryId _published;
    private long _quarantined;
    private readonly RedisAuthenticationWatch _authentication;

    private RedisGalleryStore(ConnectionMultiplexer connection, RedisStoreOptions options, string bundleHash, ReplicaDisk? disk, ILogger logger,
        GalleryQuarantineMetrics? quarantineMetrics, RedisAuthenticationWatch authentication)
    {
        _connection = connection;
        _authentication = authentication;
        connection.ConnectionRestored += (_, _) => authentication.Restored();
        _gallery = options.KeyPrefix;
        _quarantineMetrics = quarantineMetrics;
        _keys = new RedisGalleryKeys(options.KeyPrefix);
        _server = string.Join(",", connection.GetEndPoints().Select(e => e.ToString()));
        _bundleHash = bundleHash;
        _logger = logger;
        _disk = disk;
        _replicaTtl = TimeSpan.FromSeconds(options.ReplicaTtlSeconds);
        // A copy on disk is known by its directory across restarts; one in memory only needs nothing after it stops.
        _replicaName = options.ReplicaName is { Length: > 0 } name ? name
            : disk is not null ? $"{Environment.MachineName}:{Path.GetFullPath(disk.DataDirectory)}"
            : $"{Environment.MachineName}:memory-{Guid.NewGuid():N}";
        if (disk is not null) _snapshots = new RedisSnapshotSchedule(_keys, disk.Index, disk.CheckpointBytes, _replicaName);
    }

    /// <summary>
    /// Connects to Redis for the bundle <paramref name="bundleHash"/>. Returns even when Redis is not reachable yet:
    /// <see cref="StartAsync"/> waits for it, so replicas may start before Redis does. Without <paramref name="disk"/>,
    /// the replica keeps the gallery in memory only and reads it all from Redis at each start. Entries set aside as
    /// unreadable are counted in <paramref name="quarantineMetrics"/>.
    /// </summary>
    public static async Task<RedisGalleryStore> ConnectAsync(
        RedisStoreOptions options, string bundleHash, ILogger logger, CancellationToken cancellationToken, ReplicaDisk? disk = null,
        GalleryQuarantineMetrics? quarantineMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(bundleHash);
        ArgumentNullException.ThrowIfNull(logger);

        var configuration = RedisConnectionSettings.From(options);
        // For CONFIG GET in the durability check only; the store issues no other admin command.
        configuration.AllowAdmin = true;
        var authentication = new RedisAuthenticationWatch();
        configuration.LoggerFactory = authentication;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RedisGalleryStore(connection, options, bundleHash, disk, logger, quarantineMetrics, authentication);
    }

    public string Description => _copy is { } copy
        ? $"Redis {_server} stream {_keys.Log}, {copy.Description}"
        : $"Redis {_server} stream {_keys.Log}";

    /// <summary>Where the last start began: the local checkpoint, the snapshot, or the start of the stream (with its id).</summary>
    public string StartedFrom { get; private set; } = "";

    /// <summary>Stream entries read by the last start after where it began: the tail a restart had to catch up on.</summary>
    public int EntriesReadAtStart { get; private set; }

    /// <summary>
    /// Entries of the gallery's stream set aside as unreadable (by any replica; kept in Redis under
    /// <c>PREFIX:gallery:quarantine</c> with their stream ids), as last counted: at start and at each one this replica meets.
    /// </summary>
    public long Quarantined => Interlocked.Read(ref _quarantined);

    /// <summary>The stream id after which this replica needs the stream (what it publishes for trimming).</summary>
    internal StreamEntryId Needs => !_started ? StreamEntryId.Zero
        : _copy is { } copy ? copy.Checkpointed
        : _follower?.LastApplied ?? StreamEntryId.Zero;

    public async Task StartAsync(Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        if (Interlocked.Exchange(ref _startCalls, 1) != 0) throw new InvalidOperationException("The store was already started.");
        IDatabase database = _connection.GetDatabase();
        if (_disk is { } disk)
            _copy = ReplicaLocalCopy.Open(disk.DataDirectory, _bundleHash, disk.Index, disk.CheckpointBytes, _keys.Log.ToString());
        var follower = new RedisLogFollower(database, _keys, apply, AfterEntry, QuarantineAsync, MaintainAsync, Description, _logger);
        _follower = follower;

        await RetryWhileUnavailableAsync("claim the gallery for this bundle", ClaimGalleryAsync, cancellationToken).ConfigureAwait(false);
        await RedisDurabilityCheck.RunAsync(_connection, _server, _logger).ConfigureAwait(false);
        // Registered (needing everything, until started) before reading how far the stream was trimmed: see RedisStreamTrim.
        await RetryWhileUnavailableAsync("register this replica", HeartbeatOnceAsync, cancellationToken).ConfigureAwait(false);
        _heartbeat = Task.Run(HeartbeatAsync);
        // Subscribe before reading, so an append made while we read wakes the loop rather than waiting for a poll.
        await RetryWhileUnavailableAsync("subscribe to gallery notifications",
            () => _connection.GetSubscriber().SubscribeAsync(_keys.Appended, (_, _) => follower.Wake()), cancellationToken).ConfigureAwait(false);

        StartedFrom = await BeginAsync(database, follower, apply, cancellationToken).ConfigureAwait(false);
        var (batches, records) = (0, 0);
        await RetryWhileUnavailableAsync("read the gallery", async () =>
        {
            // A retry resumes after the last entry applied, so the counts add up over attempts.
            var (b, r) = await follower.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            batches += b;
            records += r;
        }, cancellationToken).ConfigureAwait(false);
        EntriesReadAtStart = batches;
        await RetryWhileUnavailableAsync("count the entries set aside as unreadable", CountQuarantinedAsync, cancellationToken).ConfigureAwait(false);
        // What was read at start is sealed at once, as the local store does, so the replica holds no more than it needs.
        if (_copy is { } copy) await copy.CheckpointNowAsync(follower.LastApplied).ConfigureAwait(false);
        _started = true;
        await RetryWhileUnavailableAsync("publish this replica's checkpoint", HeartbeatOnceAsync, cancellationToken).ConfigureAwait(false);
        RedisGalleryLog.StartedFrom(_logger, Description, StartedFrom, batches, records, follower.LastApplied.ToString());
        follower.StartFollowing();
    }

    /// <summary>
    /// Brings the index to a point of the stream to read on from: the local checkpoint if the stream still holds what
    /// follows it, else the snapshot. Fails when neither covers the gallery, rather than serve part of it.
    /// </summary>
    private async Task<string> BeginAsync(IDatabase database, RedisLogFollower follower, Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        StreamEntryId checkpoint = _copy?.Checkpointed ?? StreamEntryId.Zero;
        var (trimmedTo, snapshot, last) = (StreamEntryId.Zero, (RedisSnapshot.Pointer?)null, (StreamEntryId?)null);
        await RetryWhileUnavailableAsync("read how far the gallery stream was trimmed", async () =>
        {
            trimmedTo = await RedisStreamTrim.TrimmedToAsync(database, _keys).ConfigureAwait(false);
            snapshot = await RedisSnapshot.ReadPointerAsync(database, _keys).ConfigureAwait(false);
            last = await database.KeyExistsAsync(_keys.Log).ConfigureAwait(false)
                ? StreamEntryId.Parse((await database.StreamInfoAsync(_keys.Log).ConfigureAwait(false)).LastGeneratedId.ToString())
                : null;
        }, cancellationToken).ConfigureAwait(false);

        if (checkpoint > (last ?? StreamEntryId.Zero))
            throw new InvalidDataException(
                $"The local copy in {_disk!.DataDirectory} stands at stream entry {checkpoint}, but {_keys.Log} in Redis {_server} " +
                $"{(last is { } id ? $"ends at {id}" : "does not exist")}: Redis lost the gallery, or the copy is another gallery's. " +
                "Empty Sgraf:DataDirectory to start from what Redis holds.");

        if (trimmedTo <= checkpoint)
        {
            if (_copy is { } copy) await copy.StartAsync(apply, cancellationToken).ConfigureAwait(false);
            follower.StartAfter(checkpoint);
            return checkpoint == StreamEntryId.Zero ? "the start of the stream" : $"the local checkpoint at stream entry {checkpoint}";
        }

        if (snapshot is null || snapshot.At < trimmedTo)
            throw new InvalidDataException(
                $"{_keys.Log} in Redis {_server} was trimmed to entry {trimmedTo}, but this replica needs it after {checkpoint} " +
                $"and {(snapshot is null ? "there is no snapshot" : $"the snapshot {snapshot.Chunks} stands at {snapshot.At}, before it")}: " +
                "the gallery's history is gone. Restore Redis from a backup.");
        if (_copy is { } stale)
        {
            if (checkpoint != StreamEntryId.Zero)
                RedisGalleryLog.CheckpointTrimmed(_logger, Description, trimmedTo.ToString(), checkpoint.ToString(), snapshot.At.ToString());
            await stale.DiscardAsync().ConfigureAwait(false);
            await stale.StartAsync(apply, cancellationToken).ConfigureAwait(false);
        }
        long items = await RedisSnapshot.ReadAsync(database, snapshot, apply, cancellationToken).ConfigureAwait(false);
        follower.StartAfter(snapshot.At);
        _snapshots?.StartedFrom(snapshot.At);
        return $"the snapshot at stream entry {snapshot.At} ({items} items)";
    }

    /// <summary>
    /// An entry that cannot be read (on the follower's loop, before it counts as applied): its value kept aside under
    /// its stream id with the reason (idempotent, so replicas meeting the same entry keep one copy), logged, counted.
    /// </summary>
    private async Task QuarantineAsync(StreamEntryId id, byte[] value, string reason)
    {
        IDatabase database = _connection.GetDatabase();
        var transaction = database.CreateTransaction();
        _ = transaction.HashSetAsync(_keys.Quarantine, id.ToString(), value);
        _ = transaction.HashSetAsync(_keys.QuarantineReasons, id.ToString(), reason);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        RedisGalleryLog.Quarantined(_logger, Description, id.ToString(), reason, _keys.Quarantine.ToString());
        _quarantineMetrics?.Quarantined(_gallery);
        await CountQuarantinedAsync().ConfigureAwait(false);
    }

    private async Task CountQuarantinedAsync() =>
        Interlocked.Exchange(ref _quarantined, await _connection.GetDatabase().HashLengthAsync(_keys.Quarantine).ConfigureAwait(false));

    /// <summary>After each entry (on the follower's loop): counts it toward the next snapshot and lets the copy checkpoint.</summary>
    private void AfterEntry(StreamEntryId id, long bytes)
    {
        _snapshots?.Applied(bytes);
        _copy?.Applied(id, bytes);
    }

    /// <summary>
    /// After each catch-up (on the follower's loop, so nothing is applied meanwhile): writes a snapshot when due, then
    /// trims the stream as far as every live replica allows. A failure other than Redis being away is logged and tried
    /// again at the next poll; following goes on.
    /// </summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        IDatabase database = _connection.GetDatabase();
        // A checkpoint due while the last one was still being written begins now, between catch-ups.
        if (_follower is { } following) _copy?.CheckpointIfDue(following.LastApplied);
        try
        {
            // Trimming and snapshot replacement go by what is published: publish a new checkpoint now, not at the next beat.
            if (Needs != _published) await HeartbeatOnceAsync().ConfigureAwait(false);
            if (_snapshots is { } snapshots && _follower is { } follower
                && await snapshots.WriteIfDueAsync(database, follower.LastApplied).ConfigureAwait(false) is { } written)
                RedisGalleryLog.SnapshotWritten(_logger, Description, written.Items, written.Bytes, written.ChunkCount, written.At.ToString());
            long trimmed = await RedisStreamTrim.RunAsync(database, _keys).ConfigureAwait(false);
            if (trimmed > 0) RedisGalleryLog.Trimmed(_logger, Description, trimmed);
        }
        catch (Exception e) when (!RedisLogFollower.IsTransient(e) && e is not OperationCanceledException)
        {
            RedisGalleryLog.MaintenanceFailed(_logger, Description, "write a snapshot or trim the stream", e.Message);
        }
    }

    private async Task HeartbeatOnceAsync()
    {
        StreamEntryId needs = Needs;
        await RedisStreamTrim.HeartbeatAsync(_connection.GetDatabase(), _keys, _replicaName, needs, _replicaTtl).ConfigureAwait(false);
        // Only compared on the follower's loop; a beat racing it may publish an older id, which holds more back, never less.
        _published = needs;
    }

    /// <summary>Renews this replica's registration three times per time to live, until disposal.</summary>
    private async Task HeartbeatAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_replicaTtl / 3, _stopping.Token).ConfigureAwait(false);
                await HeartbeatOnceAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (RedisLogFollower.IsTransient(e))
            {
                // Redis is away: nothing is trimmed meanwhile either. The next beat tries again.
                RedisGalleryLog.Unavailable(_logger, Description, "renew this replica's registration", e.Message, (int)(_replicaTtl / 3).TotalMilliseconds);
            }
        }
    }

    /// <remarks>
    /// Cancelling stops the wait, not the append: one that already reached Redis is kept and applied everywhere.
    /// </remarks>
    public async Task AppendAsync(IReadOnlyList<GalleryRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var follower = _follower ?? throw new InvalidOperationException("Start the store before appending.");
        if (records.Count == 0) return;
        follower.ThrowIfStopped();

        byte[] batch = GalleryBatchValue.Encode(records);
        var result = await RedisAppendScript.RunAsync(_connection.GetDatabase(), _keys, _bundleHash, batch)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!result.Appended) throw BundleMismatch(result.Value);
        follower.Wake();
        await follower.WaitUntilAppliedAsync(StreamEntryId.Parse(result.Value), cancellationToken).ConfigureAwait(false);
    }

    // The id of the stream's newest entry if it is newer than ARGV[1], else ''. Not XINFO STREAM: its reply holds the
    // first and last entries, payloads and all (megabytes for an import batch), and building it on every read of a shard
    // kept redis-server at 50% of a core at 17 searches/s with 30,000 images. This range is empty, and costs nothing,
    // when the copy is caught up (nearly always); only the id leaves Redis.
    private const string NewerIdScript = """
        local newest = redis.call('XREVRANGE', KEYS[1], '+', '(' .. ARGV[1], 'COUNT', 1)
        if #newest == 0 then return '' end
        return newest[1][1]
        """;

    /// <summary>
    /// Returns once this copy has applied everything the stream held when called: a read after it sees every append
    /// acknowledged before it, by whichever writer. One Redis round trip when already caught up.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var follower = _follower ?? throw new InvalidOperationException("Start the store before reading.");
        var newer = await _connection.GetDatabase().ScriptEvaluateAsync(NewerIdScript, [_keys.Log], [follower.LastApplied.ToString()])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        if (newer.ToString() is not { Length: > 0 } last) return;
        follower.Wake();
        await follower.WaitUntilAppliedAsync(StreamEntryId.Parse(last), cancellationToken).ConfigureAwait(false);
    }

    private async Task ClaimGalleryAsync()
    {
        // The first replica to start names the bundle; the key is only ever set, so whoever lost the race reads the winner's.
        IDatabase database = _connection.GetDatabase();
        await database.StringSetAsync(_keys.Bundle, _bundleHash, when: When.NotExists).ConfigureAwait(false);
        string? found = await database.StringGetAsync(_keys.Bundle).ConfigureAwait(false);
        if (found != _bundleHash) throw BundleMismatch(found ?? "(none)");
    }

    private GalleryBundleMismatchException BundleMismatch(string found) =>
        new($"Redis {_server} key {_keys.Bundle}", _bundleHash, found,
            "Re-encode the gallery for this bundle, or give this bundle's replicas another Sgraf:Redis:KeyPrefix.");

    private async Task RetryWhileUnavailableAsync(string step, Func<Task> action, CancellationToken cancellationToken)
    {
        for (int failures = 1; ; failures++)
        {
            try
            {
                await action().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (RedisLogFollower.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (_authentication.Refused is { } refused)
                    throw new RedisConnectionException(ConnectionFailureType.AuthenticationFailure,
                        $"Redis {_server} refused this replica's credentials (Sgraf:Redis:Password, or password= in Sgraf:Redis:Configuration) " +
                        $"as it tried to {step}: {refused.Message}", refused);
                var delay = RedisLogFollower.RetryDelay(failures);
                RedisGalleryLog.Unavailable(_logger, Description, step, e.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <remarks>The registration is left to expire, so a replica back within its time to live reads only the tail.</remarks>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        if (_follower is { } follower) await follower.DisposeAsync().ConfigureAwait(false);
        // A stop that is not a crash seals what was applied, so the next start here (a restart, or a shard coming
        // back to this silo) reads only the entries after it rather than all since the last size-triggered checkpoint.
        // A seal already running stands at an earlier entry: wait for it, then seal the rest (twice at most: a failed
        // seal is left for the next start, which then reads a longer tail).
        if (_started && _copy is { } sealing && _follower is { } applied)
            for (int attempt = 0; attempt < 2 && sealing.Checkpointed < applied.LastApplied; attempt++)
                await sealing.CheckpointNowAsync(applied.LastApplied).ConfigureAwait(false);
        if (_copy is { } copy) await copy.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
