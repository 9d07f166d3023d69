using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Tests.Gallery.Redis;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Images;

/// <summary>
/// A stored photo is part of the gallery like its features: it comes back after a restart on the same data folder, and
/// a replica sharing a Redis gallery serves the same copy, boxes and scores as the replica it was uploaded to.
/// </summary>
public sealed class PicturePersistenceTests(RedisServerProcess redis) : IClassFixture<RedisServerProcess>
{
    static readonly string[] Ids = ["chelsea", "coffee"];

    [Fact]
    public async Task Stored_photos_survive_a_restart_with_their_copies_boxes_and_scores()
    {
        using var data = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Sgraf:BundleDirectory"] = PictureBundle.Path };
        Snapshot before;
        await using (var first = new SgrafServiceFactory(settings, data.Path))
        {
            using var client = await first.CreateReadyClientAsync();
            await AddPhotosAsync(client);
            before = await SnapshotAsync(client);
        }

        await using var restarted = new SgrafServiceFactory(settings, data.Path);
        using var again = await restarted.CreateReadyClientAsync();
        (await SnapshotAsync(again)).AssertSameAs(before);
    }

    [Fact]
    public async Task A_replica_sharing_the_Redis_gallery_serves_the_photo_uploaded_to_another()
    {
        using var disks = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Sgraf:BundleDirectory"] = PictureBundle.Path,
            ["Sgraf:Store"] = "Redis",
            ["Sgraf:Redis:Configuration"] = redis.Configuration,
            ["Sgraf:Redis:KeyPrefix"] = $"pictures-{Guid.NewGuid():N}",
        };
        await using var writer = new SgrafServiceFactory(settings, disks.File("writer"));
        await using var reader = new SgrafServiceFactory(settings, disks.File("reader"));
        using var writerClient = await writer.CreateReadyClientAsync();
        using var readerClient = await reader.CreateReadyClientAsync();

        await AddPhotosAsync(writerClient);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // The captions were added after the photos: once the last caption is there, so is everything before it.
        while ((await readerClient.GetAsync($"/captions/caption-{PictureService.Captions.Length - 1}")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the reader never saw the uploaded photos and captions");
            await Task.Delay(200);
        }
        (await SnapshotAsync(readerClient)).AssertSameAs(await SnapshotAsync(writerClient));
    }

    static async Task AddPhotosAsync(HttpClient client)
    {
        var body = new JsonObject
        {
            ["images"] = new JsonArray([.. Ids.Select(id => new JsonObject
            {
                ["id"] = id, ["picture"] = Convert.ToBase64String(File.ReadAllBytes(PictureService.Photos[id])), ["metadata"] = new JsonObject { ["title"] = id },
            })]),
        };
        using var response = await client.PostAsJsonAsync("/images", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var captions = await client.PostAsJsonAsync("/captions", new { captions = PictureService.Captions.Select((text, i) => new { id = $"caption-{i}", text }) });
        Assert.True(captions.IsSuccessStatusCode, await captions.Content.ReadAsStringAsync());
    }

    /// <summary>What a client sees of the stored photos: each copy's bytes, each image's metadata, and a search by each stored photo.</summary>
    sealed record Snapshot(Dictionary<string, byte[]> Copies, Dictionary<string, string> Metadata, Dictionary<string, (string Id, double Score)[]> Captions)
    {
        public void AssertSameAs(Snapshot expected)
        {
            foreach (var id in Ids)
            {
                Assert.Equal(expected.Copies[id], Copies[id]);
                Assert.Equal(expected.Metadata[id], Metadata[id]);
                Assert.Equal(expected.Captions[id].Select(h => h.Id), Captions[id].Select(h => h.Id));
                Assert.All(expected.Captions[id].Zip(Captions[id]), p => Assert.Equal(p.First.Score, p.Second.Score, 1e-6));
            }
        }
    }

    static async Task<Snapshot> SnapshotAsync(HttpClient client)
    {
        var copies = new Dictionary<string, byte[]>();
        var metadata = new Dictionary<string, string>();
        var captions = new Dictionary<string, (string, double)[]>();
        foreach (var id in Ids)
        {
            using var picture = await client.GetAsync($"/images/{id}/picture");
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
            copies[id] = await picture.Content.ReadAsByteArrayAsync();
            Assert.True(copies[id].Length > 1000, $"{id}: a stored copy of {copies[id].Length} bytes");
            var image = JsonNode.Parse(await client.GetStringAsync($"/images/{id}"))!;
            Assert.Equal(36, image["metadata"]!["boxes"]!.AsArray().Count);
            metadata[id] = image["metadata"]!.ToJsonString();
            using var search = await client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { new { id } }, k = PictureService.Captions.Length, mode = "exact" });
            var hits = JsonNode.Parse(await search.Content.ReadAsStringAsync())!["results"]![0]!["hits"]!.AsArray();
            captions[id] = [.. hits.Select(h => (h!["id"]!.GetValue<string>(), h["score"]!.GetValue<double>()))];
            Assert.Equal(PictureService.Captions.Length, captions[id].Length);
        }
        return new Snapshot(copies, metadata, captions);
    }
}
