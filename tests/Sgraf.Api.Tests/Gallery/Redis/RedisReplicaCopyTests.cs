using Microsoft.Extensions.Logging;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Tests.Gallery.Local;
using Sgraf.TestSupport;
using StackExchange.Redis;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// Replicas with their copy of the gallery on their own disk, through a real redis-server: a restart reads only the
/// stream's tail, the stream is trimmed only as far as every live replica has checkpointed, and a replica whose entries
/// are gone starts from the snapshot and then answers exactly as the others do, deletes included.
/// </summary>
public sealed class RedisReplicaCopyTests(RedisServerProcess redis, SegmentCheckpointTests.Bundle bundle)
    : IClassFixture<RedisServerProcess>, IClassFixture<SegmentCheckpointTests.Bundle>, IDisposable
{
    // One demo image is about 30 KB: a checkpoint every two images or so.
    const long SmallCheckpoints = 1 << 16;
    static readonly string[] Queries = ["a red circle", "two blue squares", "a green triangle above a circle"];

    readonly string gallery = $"copy-{Guid.NewGuid():N}";
    readonly TempDirectory disks = new();
    readonly ConnectionMultiplexer connection = ConnectionMultiplexer.Connect(redis.Configuration);

    RedisGalleryKeys Keys => new(gallery);

    IDatabase Database => connection.GetDatabase();

    public void Dispose()
    {
        connection.Dispose();
        disks.Dispose();
    }

    Task<DiskReplica> StartAsync(string name, long checkpointBytes = SmallCheckpoints, int ttlSeconds = 30, ILogger? logger = null) =>
        DiskReplica.StartAsync(bundle, redis.Configuration, gallery, name, disks.File(name), checkpointBytes, ttlSeconds, logger);

    GalleryRecord Image(string id, int seed) => bundle.Image(id, seed);

    [Fact]
    public async Task Adds_and_deletes_through_one_replica_reach_the_other()
    {
        await using var first = await StartAsync("first");
        await using var second = await StartAsync("second");

        await first.AppendAsync(Image("cat", 1), Image("dog", 2), bundle.Caption("c1", "a red circle"));
        await first.AppendAsync(GalleryRecord.DeleteImage("dog"));

        await second.WaitUntilAsync(s => s.Images.ContainsKey("cat") && !s.Images.ContainsKey("dog") && s.Captions.ContainsKey("c1"));
        Assert.Equal(first.ImageScores(bundle.Runtime, Queries), second.ImageScores(bundle.Runtime, Queries));
        Assert.Equal(first.Captions(), second.Captions());
    }

    [Fact]
    public async Task After_catching_up_a_replica_sees_every_append_another_replica_has_acknowledged()
    {
        await using var writer = await StartAsync("writer");
        await using var reader = await StartAsync("reader");
        for (int i = 0; i < 20; i++)
        {
            await writer.AppendAsync(Image($"image-{i}", i));
            await reader.Store.CatchUpAsync(CancellationToken.None);
            Assert.True(reader.Index.Current.Images.ContainsKey($"image-{i}"), $"image-{i} was acknowledged but the caught-up reader lacks it");
        }
    }

    [Fact]
    public async Task A_replica_stopped_gracefully_checkpoints_so_its_restart_reads_nothing_again()
    {
        await using var writer = await StartAsync("writer");
        // Far from a size-triggered checkpoint: only the stop can have sealed what it applied.
        await using (var stopped = await StartAsync("stopped", checkpointBytes: 1L << 30))
        {
            for (int i = 0; i < 3; i++) await writer.AppendAsync(Image($"image-{i}", i));
            await stopped.WaitUntilAsync(s => s.Images.Count == 3);
        }

        await using var restarted = await StartAsync("stopped", checkpointBytes: 1L << 30);

        Assert.Equal(0, restarted.Store.EntriesReadAtStart);
        Assert.Equal(3, restarted.Index.Current.Images.Count);
    }

    [Fact]
    public async Task A_restarted_replica_opens_its_segments_and_reads_only_the_stream_entries_after_its_checkpoint()
    {
        await using var writer = await StartAsync("writer");
        // Checkpoints after every entry, so it stops with its checkpoint at the last entry it applied.
        await using (var stopped = await StartAsync("stopped", checkpointBytes: 1))
        {
            for (int i = 0; i < 10; i++) await writer.AppendAsync(Image($"before-{i}", i));
            await stopped.WaitUntilAsync(s => s.Images.Count == 10);
            await WaitForAsync(async () => stopped.Store.Needs == await LastEntryAsync(), "the replica to checkpoint the last entry");
        }
        for (int i = 0; i < 5; i++) await writer.AppendAsync(Image($"while-down-{i}", 100 + i));

        await using var restarted = await StartAsync("stopped", checkpointBytes: 1);

        Assert.Equal(5, restarted.Store.EntriesReadAtStart);
        Assert.StartsWith("the local checkpoint at stream entry", restarted.Store.StartedFrom, StringComparison.Ordinal);
        Assert.Equal(writer.ImageScores(bundle.Runtime, Queries), restarted.ImageScores(bundle.Runtime, Queries));
    }

    [Fact]
    public async Task The_stream_is_trimmed_only_once_every_live_replica_has_checkpointed()
    {
        await using var writer = await StartAsync("writer", checkpointBytes: 1, ttlSeconds: 2);
        // Never checkpoints again after its start (on an empty gallery): it needs the whole stream while it lives.
        var laggard = await StartAsync("laggard", checkpointBytes: 1L << 40, ttlSeconds: 2);
        for (int i = 0; i < 8; i++) await writer.AppendAsync(Image($"image-{i}", i));
        await laggard.WaitUntilAsync(s => s.Images.Count == 8);
        await WaitForAsync(async () => writer.Store.Needs == await LastEntryAsync() && await SnapshotAtAsync() > StreamEntryId.Zero,
            "the writer to checkpoint everything and a snapshot");

        Assert.Equal(0, await RedisStreamTrim.RunAsync(Database, Keys));
        Assert.Equal(8, await Database.StreamLengthAsync(Keys.Log));
        Assert.Equal(StreamEntryId.Zero, await TrimmedToAsync());

        await laggard.DisposeAsync();
        // Once the laggard's registration expires, nothing live needs the old entries: the snapshot holds them.
        await WaitForAsync(async () => await TrimmedToAsync() > StreamEntryId.Zero, "the stream to be trimmed");
        Assert.Equal(await SnapshotAtAsync(), await TrimmedToAsync());
        Assert.True(await Database.StreamLengthAsync(Keys.Log) < 8, "the stream was not trimmed");
    }

    [Fact]
    public async Task A_new_replica_after_trimming_starts_from_the_snapshot_and_answers_exactly_as_an_old_one_deletes_included()
    {
        await using var old = await StartAsync("old", ttlSeconds: 2);
        for (int i = 0; i < 6; i++) await old.AppendAsync(Image($"image-{i}", i), bundle.Caption($"caption-{i}", Queries[i % 3] + $" number {i}"));
        // Deleted before the snapshot: not in it. Then enough adds that a snapshot covering the deletes is due.
        await old.AppendAsync(GalleryRecord.DeleteImage("image-1"), GalleryRecord.DeleteCaption("caption-1"));
        var earlyDeletes = await LastEntryAsync();
        for (int i = 6; i < 14; i++) await old.AppendAsync(Image($"image-{i}", i));
        await WaitForAsync(async () => await SnapshotAtAsync() >= earlyDeletes, "a snapshot after the first deletes");
        // Deleted after the snapshot: only in the stream's tail, which the new replica reads after the snapshot.
        await old.AppendAsync(GalleryRecord.DeleteImage("image-7"), GalleryRecord.DeleteCaption("caption-4"));
        var lateDeletes = await LastEntryAsync();
        await old.AppendAsync(Image("image-1", 1001));
        await WaitForAsync(async () => await TrimmedToAsync() > StreamEntryId.Zero, "the stream to be trimmed");
        Assert.True(await SnapshotAtAsync() < lateDeletes, "the snapshot already covers the late deletes; the test needs them in the tail");

        await using var fresh = await StartAsync("fresh");

        Assert.StartsWith("the snapshot at stream entry", fresh.Store.StartedFrom, StringComparison.Ordinal);
        Assert.True(fresh.Store.EntriesReadAtStart < 17, $"read {fresh.Store.EntriesReadAtStart} entries: the whole history, not the tail");
        Assert.DoesNotContain("image-7", fresh.Index.Current.Images.Keys);
        Assert.DoesNotContain("caption-1", fresh.Index.Current.Captions.Keys);
        Assert.DoesNotContain("caption-4", fresh.Index.Current.Captions.Keys);
        Assert.Equal(13, fresh.Index.Current.Images.Count);
        Assert.Equal(old.ImageScores(bundle.Runtime, Queries), fresh.ImageScores(bundle.Runtime, Queries));
        Assert.Equal(old.Captions(), fresh.Captions());
    }

    [Fact]
    public async Task A_replica_down_past_its_time_to_live_finds_its_entries_trimmed_and_starts_from_the_snapshot()
    {
        await using var writer = await StartAsync("writer", checkpointBytes: 1, ttlSeconds: 2);
        StreamEntryId checkpointed;
        await using (var away = await StartAsync("away", checkpointBytes: 1, ttlSeconds: 2))
        {
            await writer.AppendAsync(Image("kept", 1), Image("deleted-while-away", 2));
            await away.WaitUntilAsync(s => s.Images.Count == 2);
            await WaitForAsync(async () => away.Store.Needs == await LastEntryAsync(), "the replica to checkpoint");
            checkpointed = away.Store.Needs;
        }
        await writer.AppendAsync(GalleryRecord.DeleteImage("deleted-while-away"));
        for (int i = 0; i < 4; i++) await writer.AppendAsync(Image($"while-away-{i}", 10 + i));
        await WaitForAsync(async () => await TrimmedToAsync() > checkpointed, "the stream to be trimmed past the absent replica");

        var logger = new CapturingLogger();
        await using var back = await StartAsync("away", checkpointBytes: 1, ttlSeconds: 2, logger: logger);

        Assert.StartsWith("the snapshot at stream entry", back.Store.StartedFrom, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("dropping the local copy", StringComparison.Ordinal));
        Assert.DoesNotContain("deleted-while-away", back.Index.Current.Images.Keys);
        Assert.Equal(writer.ImageScores(bundle.Runtime, Queries), back.ImageScores(bundle.Runtime, Queries));
    }

    [Fact]
    public async Task A_replaced_snapshot_is_deleted_at_once_unless_a_replica_is_starting_and_may_be_reading_it()
    {
        await using var writer = await StartAsync("writer", checkpointBytes: 1);
        await writer.AppendAsync(Image("image-0", 0));
        var first = await LastEntryAsync();
        await WaitForAsync(async () => await SnapshotAtAsync() == first, "the first snapshot");
        // A replica in its start registers as needing everything, and may be reading the snapshot now.
        await RedisStreamTrim.HeartbeatAsync(Database, Keys, "starting", StreamEntryId.Zero, TimeSpan.FromSeconds(60));

        // One entry each time, more than half the last snapshot's bytes: each is followed by exactly one new snapshot.
        await writer.AppendAsync(Image("image-1", 1));
        var second = await LastEntryAsync();
        await WaitForAsync(async () => await SnapshotAtAsync() == second, "a second snapshot");
        var kept = await Database.KeyTimeToLiveAsync(Keys.SnapshotChunks(first));
        Assert.True(kept > TimeSpan.Zero && kept <= RedisSnapshot.ReplacedGrace, $"the replaced snapshot should expire within the grace, not {kept}");

        await Database.KeyDeleteAsync(Keys.Replica("starting"));
        await writer.AppendAsync(Image("image-2", 2), Image("image-3", 3));
        var third = await LastEntryAsync();
        await WaitForAsync(async () => await SnapshotAtAsync() == third, "a third snapshot");
        Assert.False(await Database.KeyExistsAsync(Keys.SnapshotChunks(second)), "with no replica starting, the replaced snapshot should be deleted at once");
    }

    [Fact]
    public async Task A_replica_whose_entries_are_gone_with_no_snapshot_to_cover_them_refuses_to_start_naming_the_ids()
    {
        await using (var writer = await StartAsync("writer"))
        {
            for (int i = 0; i < 3; i++) await writer.AppendAsync(Image($"image-{i}", i));
        }
        // As if the snapshot were evicted after a trim: the history before the trim point exists nowhere.
        string last = (await LastEntryAsync()).ToString();
        await Database.KeyDeleteAsync(Keys.Snapshot);
        await Database.StreamTrimByMinIdAsync(Keys.Log, last);
        await Database.StringSetAsync(Keys.TrimmedTo, last);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => StartAsync("fresh"));

        Assert.Contains($"trimmed to entry {last}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("needs it after 0-0", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no snapshot", refused.Message, StringComparison.Ordinal);
    }

    async Task<StreamEntryId> LastEntryAsync() => StreamEntryId.Parse((await Database.StreamInfoAsync(Keys.Log)).LastGeneratedId.ToString()!);

    async Task<StreamEntryId?> SnapshotAtAsync() =>
        await Database.HashGetAsync(Keys.Snapshot, "id") is { HasValue: true } id ? StreamEntryId.Parse(id.ToString()) : null;

    async Task<StreamEntryId> TrimmedToAsync() => await RedisStreamTrim.TrimmedToAsync(Database, Keys);

    static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(await condition(), $"timed out waiting for {what}");
    }
}
