using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Search;

namespace Sgraf.Api.Cluster;

/// <summary>
/// One shard's data on the silo that holds it: the shard's own Redis log (keys under Sgraf:Redis:KeyPrefix +
/// ":shard-NNNN"), its local copy in tiered segments under Sgraf:DataDirectory/shards/NNNN, the index, and an engine.
/// Redis is the durable truth (another silo can take the shard over from it); the local copy only speeds restarts.
/// </summary>
public sealed class ShardGallery : IAsyncDisposable
{
    readonly RedisGalleryStore store;

    ShardGallery(GalleryIndex index, RedisGalleryStore store, SearchEngine engine)
    {
        Index = index;
        this.store = store;
        Engine = engine;
    }

    public GalleryIndex Index { get; }

    public SearchEngine Engine { get; }

    public string Description => store.Description;

    /// <summary>Entries of the shard's stream set aside as unreadable (<see cref="RedisGalleryStore.Quarantined"/>).</summary>
    public long Quarantined => store.Quarantined;

    public static async Task<ShardGallery> OpenAsync(int shard, ShardResources resources, CancellationToken cancellationToken)
    {
        var settings = resources.Options;
        var index = resources.Indexes.Create();
        // The replica name is left to the store: the silo's host and the shard's data directory.
        var redis = settings.Redis.WithKeyPrefix(KeyPrefix(settings.Redis.KeyPrefix, shard));
        redis.ReplicaName = "";
        var disk = new ReplicaDisk(Path.Combine(settings.DataDirectory, "shards", $"{shard:D4}"), index, settings.Storage.CheckpointBytes);
        var store = await RedisGalleryStore.ConnectAsync(redis, resources.Runtime.Bundle.EmbeddingsHash,
            resources.Loggers.CreateLogger<RedisGalleryStore>(), cancellationToken, disk, resources.Quarantine);
        try
        {
            await store.StartAsync(index.Apply, cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
        return new ShardGallery(index, store, resources.Engine(index));
    }

    /// <summary>Where shard <paramref name="shard"/>'s keys live in Redis.</summary>
    public static string KeyPrefix(string galleryPrefix, int shard) => $"{galleryPrefix}:shard-{shard:D4}";

    public Task AppendAsync(IReadOnlyList<GalleryRecord> records) => store.AppendAsync(records, CancellationToken.None);

    /// <summary>
    /// Before a read: applies whatever the shard's stream holds that this copy has not applied. Orleans keeps one
    /// activation per shard, but while silos join or fail two can briefly coexist, and a write taken by the other
    /// must still be seen by a read that follows its acknowledgement.
    /// </summary>
    public Task CatchUpAsync(CancellationToken cancellationToken) => store.CatchUpAsync(cancellationToken);

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
