using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Tests.Gallery.Local;
using Sgraf.TestSupport;
using StackExchange.Redis;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// Entries written into a gallery's stream behind the service's back (redis-cli) that it cannot read: a record of kind 3
/// with a 3-byte payload and metadata <c>{not json</c> beside a good one, and bytes that are no frames at all. Neither
/// stops a replica that is running nor one that starts: each is set aside with its stream id, the good record applied.
/// </summary>
public sealed class RedisQuarantineTests(RedisServerProcess redis, SegmentCheckpointTests.Bundle bundle)
    : IClassFixture<RedisServerProcess>, IClassFixture<SegmentCheckpointTests.Bundle>, IDisposable
{
    readonly string gallery = $"quarantine-{Guid.NewGuid():N}";
    readonly TempDirectory disks = new();
    readonly ConnectionMultiplexer connection = ConnectionMultiplexer.Connect(redis.Configuration);

    public void Dispose()
    {
        connection.Dispose();
        disks.Dispose();
    }

    [Fact]
    public async Task Unreadable_entries_are_set_aside_with_their_ids_and_neither_a_running_nor_a_starting_replica_stops()
    {
        var keys = new RedisGalleryKeys(gallery);
        var logger = new CapturingLogger();
        await using var running = await DiskReplica.StartAsync(bundle, redis.Configuration, gallery, "running", disks.File("running"), 1 << 20, logger: logger);
        await running.AppendAsync(bundle.Image("good-1", 1));

        byte[] mixed = GalleryBatchValue.Encode([bundle.Caption("good-2", "a red circle"),
            new GalleryRecord(GalleryRecordKind.AddCaption, "bad", "{not json", new byte[3])]);
        byte[] garbage = "these bytes are not gallery frames"u8.ToArray();
        string mixedId = await RedisCli.AddEntryAsync(redis.Port, redis.Password, keys.Log.ToString(), mixed);
        string garbageId = await RedisCli.AddEntryAsync(redis.Port, redis.Password, keys.Log.ToString(), garbage);

        // The running replica reads past both and still takes writes.
        await running.WaitUntilAsync(s => s.Captions.ContainsKey("good-2"));
        await running.AppendAsync(bundle.Image("good-3", 3));
        Assert.Equal(2, running.Store.Quarantined);

        // A replica starting from the stream's beginning meets both at recovery and becomes ready.
        await using var starting = await DiskReplica.StartAsync(bundle, redis.Configuration, gallery, "starting", disks.File("starting"), 1 << 20);
        foreach (var replica in new[] { running, starting })
        {
            Assert.Equal(["good-1", "good-3"], replica.Index.Current.Images.Keys);
            Assert.Equal(["good-2"], replica.Index.Current.Captions.Keys);
        }
        Assert.Equal(2, starting.Store.Quarantined);

        // Kept aside as they were, under their stream ids, with the reason.
        var database = connection.GetDatabase();
        Assert.Equal(mixed, (byte[])(await database.HashGetAsync(keys.Quarantine, mixedId))!);
        Assert.Equal(garbage, (byte[])(await database.HashGetAsync(keys.Quarantine, garbageId))!);
        string mixedReason = (await database.HashGetAsync(keys.QuarantineReasons, mixedId)).ToString();
        Assert.Contains("1 of its 2 records could not be applied", mixedReason, StringComparison.Ordinal);
        Assert.Contains("'bad'", mixedReason, StringComparison.Ordinal);
        Assert.Contains("damaged", (await database.HashGetAsync(keys.QuarantineReasons, garbageId)).ToString(), StringComparison.Ordinal);
        Assert.Equal(2, logger.Entries.Count(e => e.Message.Contains("was set aside", StringComparison.Ordinal)
                                                  && (e.Message.Contains(mixedId, StringComparison.Ordinal) || e.Message.Contains(garbageId, StringComparison.Ordinal))));
    }
}
