using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sgraf.Api.Search;

namespace Sgraf.Api.Tests.Service;

public sealed class SearchTests(PopulatedService service) : IClassFixture<PopulatedService>
{
    // Encoding batches of different sizes may round differently in the last bit; ranks must not change.
    const double ScoreTolerance = 2e-6;

    static async Task<SearchResponse> Post(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SearchResponse>())!;
    }

    [Theory]
    [InlineData("sgr")]
    [InlineData("saf")]
    [InlineData("sgraf")]
    public async Task Text_to_image_returns_the_runtimes_top_k_with_its_scores(string model)
    {
        string[] queries = [TestGallery.Captions[0], TestGallery.Captions[3]];
        var response = await Post(service.Client, "/search/text-to-image", new { queries, k = 7, model });
        Assert.Equal(model, response.Model);
        var scores = service.Score(service.Images, service.Runtime.EncodeCaptions(queries), model);
        for (int q = 0; q < queries.Length; q++)
        {
            var expected = PopulatedService.Top(Enumerable.Range(0, PopulatedService.ImageCount).Select(i => (PopulatedService.ImageId(i), scores[i, q])), 7);
            var hits = response.Results[q].Hits;
            Assert.Equal(q, response.Results[q].Query);
            Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
            for (int r = 0; r < hits.Count; r++) Assert.Equal(expected[r].Score, hits[r].Score, ScoreTolerance);
            Assert.Equal(int.Parse(hits[0].Id[4..]), hits[0].Metadata!["seed"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task The_default_model_is_sgraf_and_k_defaults_to_10()
    {
        var response = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" } });
        Assert.Equal("sgraf", response.Model);
        Assert.Equal(10, response.Results[0].Hits.Count);
    }

    /// <summary>
    /// A query of words the model never learnt still gets hits (the model ranks what is left), so each text query's result
    /// says which of its words the model read as &lt;unk&gt;: "a dog playing on the beach" found 12 confident shapes before.
    /// </summary>
    [Fact]
    public async Task Each_text_query_says_which_of_its_words_the_model_does_not_know()
    {
        using var response = await service.Client.PostAsJsonAsync("/search/text-to-image",
            new { queries = new[] { "A dog playing on the beach, a DOG!", "a red circle" }, k = 2 });
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = json["results"]!.AsArray();
        Assert.Equal(["dog", "playing", "on", "the", "beach", ",", "!"], results[0]!["unknownWords"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Empty(results[1]!["unknownWords"]!.AsArray());
        Assert.Equal(2, results[0]!["hits"]!.AsArray().Count);

        var images = await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = PopulatedService.ImageId(0) } }, k = 1 });
        Assert.Null(images.Results[0].UnknownWords);
    }

    /// <summary>A hit's metadata can be large (the demo's 36 boxes): a request may leave it out or pick its members.</summary>
    [Fact]
    public async Task A_search_may_leave_metadata_out_or_pick_its_members()
    {
        var all = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3 });
        Assert.All(all.Results[0].Hits, h => Assert.True(h.Metadata!.ContainsKey("seed")));
        var none = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3, metadata = false });
        Assert.All(none.Results[0].Hits, h => Assert.Null(h.Metadata));
        Assert.Equal(all.Results[0].Hits.Select(h => (h.Id, h.Score)), none.Results[0].Hits.Select(h => (h.Id, h.Score)));
        var picked = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3, metadataFields = new[] { "seed", "absent" } });
        Assert.All(picked.Results[0].Hits, h => Assert.Equal(["seed"], h.Metadata!.Select(m => m.Key)));
        var images = await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = PopulatedService.ImageId(0) } }, k = 2, metadata = false });
        Assert.All(images.Results[0].Hits, h => Assert.Null(h.Metadata));

        using var both = await service.Client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red circle" }, metadata = false, metadataFields = new[] { "seed" } });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("metadataFields", await both.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Candidate_ids_restrict_the_search_to_those_images()
    {
        string[] candidates = ["img-03", "img-17", "img-30", "img-30"];
        var response = await Post(service.Client, "/search/text-to-image", new { queries = new[] { TestGallery.Captions[1] }, k = 10, candidateIds = candidates });
        var scores = service.Score(service.Images, service.Runtime.EncodeCaptions([TestGallery.Captions[1]]), "sgraf");
        var expected = PopulatedService.Top(new[] { 3, 17, 30 }.Select(i => (PopulatedService.ImageId(i), scores[i, 0])), 10);
        Assert.Equal(expected.Select(e => e.Id), response.Results[0].Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Image_to_text_by_gallery_id_and_by_raw_features_give_the_runtimes_ranking()
    {
        var response = await Post(service.Client, "/search/image-to-text", new
        {
            queries = new object[] { new { id = "img-05" }, new { regionsBase64 = TestGallery.Base64(TestGallery.Features(5)) } },
            k = 5,
        });
        var scores = service.Score(service.Images, service.GalleryCaptions, "sgraf");
        var expected = PopulatedService.Top(Enumerable.Range(0, 24).Select(j => (PopulatedService.CaptionId(j), scores[5, j])), 5);
        foreach (var result in response.Results)
        {
            Assert.Equal(expected.Select(e => e.Id), result.Hits.Select(h => h.Id));
            Assert.Equal(PopulatedService.CaptionText(int.Parse(result.Hits[0].Id[4..])), result.Hits[0].Text);
            for (int r = 0; r < 5; r++) Assert.Equal(expected[r].Score, result.Hits[r].Score, ScoreTolerance);
        }
    }

    [Fact]
    public async Task Concurrent_searches_batched_together_answer_as_each_search_alone()
    {
        var bodies = Enumerable.Range(0, 24).Select(j => new
        {
            queries = new[] { PopulatedService.CaptionText(j), PopulatedService.CaptionText((j + 5) % 24) },
            k = 4 + j % 5,
            model = new[] { "sgr", "saf", "sgraf" }[j % 3],
            candidateIds = j % 4 == 0 ? new[] { "img-01", "img-02", "img-09", "img-33" } : null,
        }).ToArray();
        var alone = new List<SearchResponse>();
        foreach (var body in bodies) alone.Add(await Post(service.Client, "/search/text-to-image", body));
        var together = await Task.WhenAll(bodies.Select(b => Post(service.Client, "/search/text-to-image", b)));
        var batcher = (SearchDispatcher)service.Factory.Services.GetService(typeof(SearchDispatcher))!;
        Assert.True(batcher.Batching);
        // Every search has left the core budget by the time it is answered.
        Assert.Equal(0, ((SearchEngine)service.Factory.Services.GetService(typeof(SearchEngine))!).Cores.InFlight);
        for (int j = 0; j < bodies.Length; j++)
        {
            // Same hits in the same order; scores equal to float32 rounding (GEMM kernels sum in a shape-dependent order).
            Assert.Equal(alone[j].Results.Select(r => r.Hits.Select(h => h.Id).ToArray()), together[j].Results.Select(r => r.Hits.Select(h => h.Id).ToArray()));
            var pairs = alone[j].Results.SelectMany(r => r.Hits).Zip(together[j].Results.SelectMany(r => r.Hits));
            Assert.All(pairs, p => Assert.Equal(p.First.Score, p.Second.Score, 1e-6));
        }
    }

    [Fact]
    public async Task A_repeated_text_query_is_served_from_the_query_cache_with_the_same_answer()
    {
        var cache = (QueryEmbeddingCache)service.Factory.Services.GetService(typeof(QueryEmbeddingCache))!;
        var body = new { queries = new[] { "a large purple star left of a small cyan circle" }, k = 3 };
        var first = JsonSerializer.Serialize(await Post(service.Client, "/search/text-to-image", body));
        long hits = cache.Hits;
        var second = JsonSerializer.Serialize(await Post(service.Client, "/search/text-to-image",
            new { queries = new[] { "  A LARGE purple star left of a small cyan circle " }, k = 3 }));
        Assert.Equal(first, second);
        Assert.Equal(hits + 1, cache.Hits);
    }

    [Fact]
    public async Task Searches_are_open_without_a_key()
    {
        using var anonymous = service.Factory.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a star" }, k = 1 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
