using Microsoft.Extensions.Logging;
using Sgraf.Api.Configuration;
using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// The gallery shared by replicas: a Redis stream, one entry per append, that every replica applies in stream order
/// (<see cref="RedisLogFollower"/>). Durable on return only when Redis runs with <c>appendonly yes</c> and
/// <c>appendfsync always</c>; the store checks at start and warns otherwise. Owns its Redis connection.
/// </summary>
/// <remarks>
/// The stream is append-only: replaced and deleted records stay in it, and a replica's start replays them all.
/// One Redis primary holds it; Redis Cluster is not supported (the append script touches two keys).
/// </remarks>
public sealed class RedisGalleryStore : IGalleryStore
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisGalleryKeys _keys;
    private readonly string _server;
    private readonly string _bundleHash;
    private readonly ILogger _logger;
    private RedisLogFollower? _follower;

    private RedisGalleryStore(ConnectionMultiplexer connection, RedisStoreOptions options, string bundleHash, ILogger logger)
    {
        _connection = connection;
        _keys = new RedisGalleryKeys(options.KeyPrefix);
        _server = string.Join(",", connection.GetEndPoints().Select(e => e.ToString()));
        _bundleHash = bundleHash;
        _logger = logger;
    }

    /// <summary>
    /// Connects to Redis for the bundle <paramref name="bundleHash"/>. Returns even when Redis is not reachable yet:
    /// <see cref="StartAsync"/> waits for it, so replicas may start before Redis does.
    /// </summary>
    public static async Task<RedisGalleryStore> ConnectAsync(
        RedisStoreOptions options, string bundleHash, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(bundleHash);
        ArgumentNullException.ThrowIfNull(logger);

        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        // For CONFIG GET in the durability check only; the store issues no other admin command.
        configuration.AllowAdmin = true;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RedisGalleryStore(connection, options, bundleHash, logger);
    }

    public string Description => $"Redis {_server} stream {_keys.Log}";

    public async Task StartAsync(Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var follower = new RedisLogFollower(_connection.GetDatabase(), _keys, apply, Description, _logger);
        if (Interlocked.CompareExchange(ref _follower, follower, null) is not null)
        {
            throw new InvalidOperationException("The store was already started.");
        }

        await RetryWhileUnavailableAsync("claim the gallery for this bundle", ClaimGalleryAsync, cancellationToken).ConfigureAwait(false);
        await RedisDurabilityCheck.RunAsync(_connection, _server, _logger).ConfigureAwait(false);
        // Subscribe before reading, so an append made while we read wakes the loop rather than waiting for a poll.
        await RetryWhileUnavailableAsync("subscribe to gallery notifications",
            () => _connection.GetSubscriber().SubscribeAsync(_keys.Appended, (_, _) => follower.Wake()), cancellationToken).ConfigureAwait(false);
        var (batches, records) = (0, 0);
        await RetryWhileUnavailableAsync("read the gallery", async () =>
        {
            // A retry resumes after the last entry applied, so the counts add up over attempts.
            var (b, r) = await follower.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            batches += b;
            records += r;
        }, cancellationToken).ConfigureAwait(false);
        RedisGalleryLog.Restored(_logger, Description, batches, records, follower.LastApplied.ToString());
        follower.StartFollowing();
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
                var delay = RedisLogFollower.RetryDelay(failures);
                RedisGalleryLog.Unavailable(_logger, Description, step, e.Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_follower is { } follower) await follower.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
