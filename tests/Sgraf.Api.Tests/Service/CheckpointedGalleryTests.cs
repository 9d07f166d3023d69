using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Local;

namespace Sgraf.Api.Tests.Service;

/// <summary>
/// The service with a checkpoint every 64 KiB of log (about one demo image): the gallery lives in memory-mapped
/// segment files plus a short log, and a restarted service answers every search as before.
/// </summary>
public sealed class CheckpointedGalleryTests : IAsyncLifetime
{
    static readonly Dictionary<string, string?> Settings = new() { ["Sgraf:Storage:CheckpointBytes"] = "65536" };

    readonly SgrafServiceFactory factory = new(Settings);
    HttpClient client = null!;

    public async Task InitializeAsync() => client = await factory.CreateReadyClientAsync();

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    static async Task<JsonNode> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    static async Task<List<JsonNode>> Searches(HttpClient client)
    {
        var answers = new List<JsonNode>();
        foreach (var mode in new[] { "exact", "shortlist" })
        {
            int? shortlist = mode == "shortlist" ? 6 : null;
            answers.Add(await Ok(await client.PostAsJsonAsync("/search/text-to-image",
                new { queries = new[] { "a small green triangle", "two blue squares" }, k = 8, mode, shortlist })));
            answers.Add(await Ok(await client.PostAsJsonAsync("/search/image-to-text",
                new { queries = new object[] { new { id = "img-7" } }, k = 8, mode, shortlist })));
        }
        return answers;
    }

    [Fact]
    public async Task A_gallery_kept_in_segment_files_answers_every_search_alike_after_a_restart()
    {
        for (int batch = 0; batch < 6; batch++)
        {
            await Ok(await client.PostAsJsonAsync("/images", TestGallery.ImageBody([.. Enumerable.Range(0, 4).Select(i => ($"img-{batch * 4 + i}", batch * 4 + i))])));
            await Ok(await client.PostAsJsonAsync("/captions", TestGallery.CaptionBody([.. Enumerable.Range(0, 3).Select(i => ($"cap-{batch * 3 + i}", TestGallery.Captions[(batch * 3 + i) % 8]))])));
        }
        foreach (var id in new[] { "img-2", "img-11", "img-19" }) Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/images/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/captions/cap-4")).StatusCode);
        await Ok(await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("img-5", 500), ("img-13", 501))));
        // Checkpoints run in the background; the restart below opens the same folder, so the last one must be done.
        await ((LocalGalleryStore)factory.Services.GetRequiredService<GalleryStoreHolder>().Store).Sealing;
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "checkpoint.json")), "no checkpoint was written");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "segments")));
        var before = await Searches(client);
        var images = await Ok(await client.GetAsync("/images?limit=100"));

        await using var restarted = new SgrafServiceFactory(Settings, factory.DataDirectory);
        using var again = await restarted.CreateReadyClientAsync();
        Assert.Equal(images.ToJsonString(), (await Ok(await again.GetAsync("/images?limit=100"))).ToJsonString());
        Assert.Equal(21, images["total"]!.GetValue<int>());
        Assert.Equal(17, (await Ok(await again.GetAsync("/captions?limit=1")))["total"]!.GetValue<int>());
        var after = await Searches(again);
        for (int s = 0; s < before.Count; s++)
        {
            var (one, two) = (before[s]["results"]!.AsArray(), after[s]["results"]!.AsArray());
            Assert.Equal(one.Count, two.Count);
            for (int q = 0; q < one.Count; q++)
            {
                var (hitsBefore, hitsAfter) = (one[q]!["hits"]!.AsArray(), two[q]!["hits"]!.AsArray());
                Assert.Equal(hitsBefore.Select(h => h!["id"]!.GetValue<string>()), hitsAfter.Select(h => h!["id"]!.GetValue<string>()));
                // Scores to float32 rounding: the restored segments group the images into other batch shapes.
                Assert.All(hitsBefore.Zip(hitsAfter), p => Assert.Equal(p.First!["score"]!.GetValue<double>(), p.Second!["score"]!.GetValue<double>(), 1e-6));
            }
        }
    }
}
