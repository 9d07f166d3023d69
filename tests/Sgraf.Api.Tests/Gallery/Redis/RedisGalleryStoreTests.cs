using Microsoft.Extensions.Logging;
using Sgraf.Api.Gallery;
using StackExchange.Redis;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// Replicas sharing one gallery through a real redis-server: each test uses its own key prefix, i.e. its own gallery.
/// </summary>
public sealed class RedisGalleryStoreTests(RedisServerProcess redis) : IClassFixture<RedisServerProcess>
{
    private readonly string _gallery = $"test-{Guid.NewGuid():N}";

    [Fact]
    public async Task An_append_has_been_applied_when_it_returns()
    {
        await using var replica = await Replica.StartAsync(redis.Configuration, _gallery);

        await replica.AddImagesAsync("cat");

        Assert.Equal(["cat"], replica.Applied.Ids);
        GalleryRecord applied = replica.Applied.Last("cat");
        Assert.Equal(Replica.Embedding("cat"), applied.Payload.ToArray());
        Assert.Equal("""{"title":"cat"}""", applied.Metadata);
    }

    [Fact]
    public async Task Two_replicas_apply_each_others_appends_in_the_same_order()
    {
        await using var first = await Replica.StartAsync(redis.Configuration, _gallery);
        await using var second = await Replica.StartAsync(redis.Configuration, _gallery);

        // Both write at once, so the two replicas' appends interleave in Redis.
        await Task.WhenAll(
            Task.Run(async () => { for (int i = 0; i < 40; i++) await first.AddImagesAsync($"first-{i}"); }),
            Task.Run(async () => { for (int i = 0; i < 40; i++) await second.AddImagesAsync($"second-{i}", $"second-{i}-b"); }));

        List<string> seenByFirst = await first.Applied.WaitForAsync(120);
        List<string> seenBySecond = await second.Applied.WaitForAsync(120);
        Assert.Equal(seenByFirst, seenBySecond);
        Assert.Equal(0, first.Applied.Overlaps);
        Assert.Equal(0, second.Applied.Overlaps);
    }

    [Fact]
    public async Task A_replica_sees_a_delete_made_by_another()
    {
        await using var first = await Replica.StartAsync(redis.Configuration, _gallery);
        await using var second = await Replica.StartAsync(redis.Configuration, _gallery);

        await first.AddImagesAsync("dog");
        await first.AppendAsync([GalleryRecord.DeleteImage("dog")]);

        await second.Applied.WaitForAsync(2);
        Assert.Equal(GalleryRecordKind.DeleteImage, second.Applied.Last("dog").Kind);
    }

    [Fact]
    public async Task A_restarted_replica_catches_up_on_what_it_missed()
    {
        await using var survivor = await Replica.StartAsync(redis.Configuration, _gallery);
        await using (var stopped = await Replica.StartAsync(redis.Configuration, _gallery))
        {
            await stopped.AddImagesAsync("before-1", "before-2");
        }

        for (int i = 0; i < 40; i++) await survivor.AddImagesAsync($"while-down-{i}");
        await using var restarted = await Replica.StartAsync(redis.Configuration, _gallery);

        // StartAsync returns only once everything stored has been applied.
        Assert.Equal(survivor.Applied.Ids, restarted.Applied.Ids);
        Assert.Equal(42, restarted.Applied.Ids.Count);
        await restarted.AddImagesAsync("after");
        Assert.Equal("after", (await survivor.Applied.WaitForAsync(43))[^1]);
    }

    [Fact]
    public async Task A_replica_of_another_bundle_is_refused_at_start()
    {
        await using var first = await Replica.StartAsync(redis.Configuration, _gallery, bundle: "bundle-a");

        var refused = await Assert.ThrowsAsync<GalleryBundleMismatchException>(
            () => Replica.StartAsync(redis.Configuration, _gallery, bundle: "bundle-b"));

        Assert.Equal("bundle-a", refused.FoundBundleHash);
        Assert.Equal("bundle-b", refused.ExpectedBundleHash);
        Assert.Contains("Redis", refused.Message, StringComparison.Ordinal);
        Assert.Contains("KeyPrefix", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_append_is_refused_if_the_gallery_was_claimed_for_another_bundle_since_start()
    {
        await using var replica = await Replica.StartAsync(redis.Configuration, _gallery, bundle: "bundle-a");
        // As if an operator wiped the key and a replica of another bundle claimed the gallery.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            await connection.GetDatabase().StringSetAsync($"{_gallery}:gallery:bundle", "bundle-b");
        }

        await Assert.ThrowsAsync<GalleryBundleMismatchException>(() => replica.AddImagesAsync("cat"));
        Assert.Empty(replica.Applied.Ids);
    }

    [Fact]
    public async Task A_damaged_entry_is_set_aside_and_the_replica_goes_on()
    {
        await using var replica = await Replica.StartAsync(redis.Configuration, _gallery);
        await replica.AddImagesAsync("before");
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration))
        {
            await connection.GetDatabase().StreamAddAsync($"{_gallery}:gallery:log", "frames", new byte[] { 1, 2, 3 });
        }

        // Every replica reads the damaged entry alike and skips it, so they still agree; stopping would take the gallery down.
        await replica.AddImagesAsync("after");
        Assert.Equal(["before", "after"], replica.Applied.Ids);
        Assert.Equal(1, replica.Store.Quarantined);
        await using var restarted = await Replica.StartAsync(redis.Configuration, _gallery);
        Assert.Equal(["before", "after"], restarted.Applied.Ids);
        Assert.Equal(1, restarted.Store.Quarantined);
    }

    [Fact]
    public async Task Start_warns_when_redis_would_lose_acknowledged_appends_in_a_crash()
    {
        var logger = new CapturingLogger();
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Configuration},allowAdmin=true");
        IServer server = connection.GetServer($"127.0.0.1:{redis.Port}");
        await server.ConfigSetAsync("appendfsync", "everysec");
        try
        {
            await using var replica = await Replica.StartAsync(redis.Configuration, _gallery, logger: logger);
        }
        finally
        {
            await server.ConfigSetAsync("appendfsync", "always");
        }

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("appendfsync=everysec", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_does_not_warn_when_redis_fsyncs_every_write()
    {
        var logger = new CapturingLogger();

        await using var replica = await Replica.StartAsync(redis.Configuration, _gallery, logger: logger);

        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }
}
