using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Cluster;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Tests.Gallery.Redis;
using Sgraf.Api.Tests.Service;
using StackExchange.Redis;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>
/// The review's poisoned shard, with real processes: while the silo is down, redis-cli appends to a shard's stream the
/// record that took shard 0 down (kind 3, a 3-byte payload, metadata <c>{not json</c>). The restarted silo's shard
/// recovers past it, serves every good item, and reports the entry quarantined; garbage appended while it runs is set
/// aside too, and the shard goes on taking writes.
/// </summary>
public sealed class ShardQuarantineTests
{
    const int Shards = 2;

    [Fact]
    public async Task A_shard_recovers_past_an_unreadable_record_keeps_it_aside_and_reports_it()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, shards: Shards);
        using var silo = cluster.Silo(1);
        var good = Enumerable.Range(0, 12).Select(i => ($"caption-{i:D2}", TestGallery.Captions[i % TestGallery.Captions.Length])).ToArray();
        (await silo.PostAsJsonAsync("/captions", TestGallery.CaptionBody(good))).EnsureSuccessStatusCode();
        int poisoned = new ShardMap(Shards).ShardOf("bad-caption");
        string log = $"{ShardGallery.KeyPrefix("sgraf", poisoned)}:gallery:log";

        await cluster.KillSiloAsync(1);
        string recovered = await RedisCli.AddEntryAsync(cluster.RedisPort, cluster.RedisPassword, log,
            GalleryBatchValue.Encode([new GalleryRecord(GalleryRecordKind.AddCaption, "bad-caption", "{not json", new byte[3])]));
        // Returns once /health/ready answers 200: every shard recovered.
        await cluster.StartSiloAsync(1);

        foreach (var (id, text) in good)
        {
            var caption = JsonNode.Parse(await silo.GetStringAsync($"/captions/{id}"))!;
            Assert.Equal(text, caption["text"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await silo.GetAsync("/captions/bad-caption")).StatusCode);
        var ready = await QuarantinedAsync(silo, poisoned, 1);
        Assert.Equal(0, ready["cluster"]!["shardStates"]!.AsArray().Single(s => s!["shard"]!.GetValue<int>() != poisoned)!["quarantined"]!.GetValue<long>());
        Assert.Contains($"sgraf_gallery_quarantined_entries_total{{gallery=\"sgraf:shard-{poisoned:D4}\"}} 1", await silo.GetStringAsync("/metrics"));

        // Bytes that are no frames at all, while the shard runs: set aside as well, and the shard keeps taking writes.
        string running = await RedisCli.AddEntryAsync(cluster.RedisPort, cluster.RedisPassword, log, "not gallery frames"u8.ToArray());
        await QuarantinedAsync(silo, poisoned, 2);
        string later = Enumerable.Range(0, 100).Select(i => $"later-{i}").First(id => new ShardMap(Shards).ShardOf(id) == poisoned);
        (await silo.PostAsJsonAsync("/captions", TestGallery.CaptionBody((later, "a green triangle")))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await silo.GetAsync($"/captions/{later}")).StatusCode);

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster.RedisPort},password={cluster.RedisPassword}");
        var quarantine = new RedisGalleryKeys(ShardGallery.KeyPrefix("sgraf", poisoned));
        Assert.Equal([recovered, running], (await redis.GetDatabase().HashKeysAsync(quarantine.Quarantine)).Select(k => k.ToString()).Order());
        Assert.Contains("'bad-caption'", (await redis.GetDatabase().HashGetAsync(quarantine.QuarantineReasons, recovered)).ToString(), StringComparison.Ordinal);
    }

    /// <summary>Waits until /health/ready counts <paramref name="count"/> entries quarantined on <paramref name="shard"/> (it polls shards every 2 s).</summary>
    static async Task<JsonNode> QuarantinedAsync(HttpClient silo, int shard, long count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonNode ready;
        do
        {
            ready = JsonNode.Parse(await silo.GetStringAsync("/health/ready"))!;
            var state = ready["cluster"]!["shardStates"]!.AsArray().Single(s => s!["shard"]!.GetValue<int>() == shard)!;
            if (state["quarantined"]!.GetValue<long>() == count && ready["quarantined"]!.GetValue<long>() == count) return ready;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"/health/ready did not count {count} quarantined entries on shard {shard}: {ready.ToJsonString()}");
        return ready;
    }
}
