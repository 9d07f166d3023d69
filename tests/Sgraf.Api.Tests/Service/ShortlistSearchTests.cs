using System.Net.Http.Json;
using System.Numerics.Tensors;
using Sgraf.Api.Search;
using Sgraf.Api.Tests.Observability;

namespace Sgraf.Api.Tests.Service;

public sealed class ShortlistSearchTests(ShortlistingService service) : IClassFixture<ShortlistingService>
{
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
    public async Task Text_to_image_shortlist_reranks_the_heads_top_candidates_by_the_runtimes_exact_scores(string model)
    {
        string[] queries = [TestGallery.Captions[0], TestGallery.Captions[5]];
        var response = await Post(service.Client, "/search/text-to-image", new { queries, k = 4, model, mode = "shortlist", shortlist = 12 });
        Assert.Equal(("shortlist", 12), (response.Mode, response.Shortlist));

        var captions = service.Runtime.EncodeCaptions(queries);
        var exact = service.Score(service.Images, captions, model);
        var head = service.Runtime.Shortlist!;
        var (imageVectors, queryVectors) = (head.EncodeImages(service.Images), head.EncodeCaptions(captions));
        for (int q = 0; q < queries.Length; q++)
        {
            // The first stage as the issue defines it: the 12 best dot products, ties by id.
            var firstStage = PopulatedService.Top(Enumerable.Range(0, PopulatedService.ImageCount).Select(i => (PopulatedService.ImageId(i),
                (double)TensorPrimitives.Dot(imageVectors.AsSpan(i * head.Dim, head.Dim), queryVectors.AsSpan(q * head.Dim, head.Dim)))), 12);
            var expected = PopulatedService.Top(firstStage.Select(c => (c.Id, exact[int.Parse(c.Id[4..]), q])), 4);
            var result = response.Results[q];
            Assert.Equal((q, 12), (result.Query, result.Reranked));
            Assert.Equal(expected.Select(e => e.Id), result.Hits.Select(h => h.Id));
            for (int r = 0; r < expected.Length; r++) Assert.Equal(expected[r].Score, result.Hits[r].Score, ScoreTolerance);
        }
    }

    [Fact]
    public async Task Image_to_text_shortlist_by_gallery_id_and_by_raw_features_scores_every_hit_exactly()
    {
        var response = await Post(service.Client, "/search/image-to-text", new
        {
            queries = new object[] { new { id = "img-07" }, new { regionsBase64 = TestGallery.Base64(TestGallery.Features(7)) } },
            k = 5,
            mode = "shortlist",
            shortlist = 9,
        });
        Assert.Equal(("shortlist", 9), (response.Mode, response.Shortlist));
        var exact = service.Score(service.Images, service.GalleryCaptions, "sgraf");
        Assert.Equal(response.Results[0].Hits.Select(h => h.Id), response.Results[1].Hits.Select(h => h.Id));
        foreach (var result in response.Results)
        {
            Assert.Equal(9, result.Reranked);
            Assert.Equal(5, result.Hits.Count);
            foreach (var hit in result.Hits) Assert.Equal(exact[7, int.Parse(hit.Id[4..])], hit.Score, ScoreTolerance);
            Assert.Equal(result.Hits.OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal).Select(h => h.Id), result.Hits.Select(h => h.Id));
        }
    }

    [Theory]
    [InlineData("/search/text-to-image", PopulatedService.ImageCount)]
    [InlineData("/search/image-to-text", 5000)]
    public async Task A_shortlist_that_holds_every_item_searched_answers_as_exact_mode(string path, int shortlist)
    {
        object[] queries = path.EndsWith("image")
            ? [TestGallery.Captions[2], TestGallery.Captions[7]]
            : [new { id = "img-11" }, new { id = "img-30" }];
        var exact = await Post(service.Client, path, new { queries, k = 10, mode = "exact" });
        var shortlisted = await Post(service.Client, path, new { queries, k = 10, mode = "shortlist", shortlist });
        int searched = path.EndsWith("image") ? PopulatedService.ImageCount : PopulatedService.CaptionCount;
        Assert.Equal(("exact", (int?)null), (exact.Mode, exact.Shortlist));
        Assert.All(exact.Results, r => Assert.Equal(searched, r.Reranked));
        Assert.All(shortlisted.Results, r => Assert.Equal(searched, r.Reranked));
        for (int q = 0; q < queries.Length; q++)
        {
            Assert.Equal(exact.Results[q].Hits.Select(h => h.Id), shortlisted.Results[q].Hits.Select(h => h.Id));
            Assert.All(exact.Results[q].Hits.Zip(shortlisted.Results[q].Hits), p => Assert.Equal(p.First.Score, p.Second.Score, 1e-6));
        }
    }

    [Fact]
    public async Task Auto_shortlists_only_searches_of_more_than_ShortlistAbove_items()
    {
        var images = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3 });
        Assert.Equal(("shortlist", 200, PopulatedService.ImageCount), (images.Mode, images.Shortlist, images.Results[0].Reranked));

        var captions = await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = "img-01" } }, k = 3, mode = "auto", shortlist = 7 });
        Assert.Equal(("exact", (int?)null, PopulatedService.CaptionCount), (captions.Mode, captions.Shortlist, captions.Results[0].Reranked));

        string[] few = ["img-01", "img-02", "img-03"];
        var candidates = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3, candidateIds = few });
        Assert.Equal(("exact", 3), (candidates.Mode, candidates.Results[0].Reranked));

        string[] many = [.. Enumerable.Range(0, ShortlistingService.ShortlistAbove + 1).Select(PopulatedService.ImageId)];
        var enough = await Post(service.Client, "/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3, candidateIds = many, shortlist = 5 });
        Assert.Equal(("shortlist", 5, 5), (enough.Mode, enough.Shortlist, enough.Results[0].Reranked));
    }

    [Fact]
    public async Task Candidate_ids_bound_the_first_stage_in_both_directions()
    {
        string[] images = ["img-03", "img-17", "img-30", "img-31", "img-08", "img-17"];
        var all = await Post(service.Client, "/search/text-to-image", new { queries = new[] { TestGallery.Captions[1] }, k = 10, mode = "shortlist", shortlist = 10, candidateIds = images });
        var exact = await Post(service.Client, "/search/text-to-image", new { queries = new[] { TestGallery.Captions[1] }, k = 10, mode = "exact", candidateIds = images });
        Assert.Equal((5, 5), (all.Results[0].Reranked, exact.Results[0].Reranked));
        Assert.Equal(exact.Results[0].Hits.Select(h => h.Id), all.Results[0].Hits.Select(h => h.Id));

        var some = await Post(service.Client, "/search/text-to-image", new { queries = new[] { TestGallery.Captions[1] }, k = 10, mode = "shortlist", shortlist = 2, candidateIds = images });
        Assert.Equal(2, some.Results[0].Reranked);
        Assert.Equal(2, some.Results[0].Hits.Count);
        Assert.All(some.Results[0].Hits, h => Assert.Contains(h.Id, images));

        string[] captions = ["cap-02", "cap-05", "cap-19"];
        var byImage = await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = "img-04" } }, k = 10, mode = "shortlist", shortlist = 2, candidateIds = captions });
        Assert.Equal(2, byImage.Results[0].Reranked);
        var scores = service.Score(service.Images, service.GalleryCaptions, "sgraf");
        Assert.All(byImage.Results[0].Hits, h =>
        {
            Assert.Contains(h.Id, captions);
            Assert.Equal(scores[4, int.Parse(h.Id[4..])], h.Score, ScoreTolerance);
        });
    }

    [Fact]
    public async Task Concurrent_shortlist_searches_answer_as_each_search_alone()
    {
        var bodies = Enumerable.Range(0, 24).Select(j => new
        {
            queries = new[] { PopulatedService.CaptionText(j), PopulatedService.CaptionText((j + 7) % 24) },
            k = 3 + j % 4,
            model = new[] { "sgr", "saf", "sgraf" }[j % 3],
            candidateIds = j % 4 == 0 ? new[] { "img-01", "img-02", "img-09", "img-33", "img-35" } : null,
            mode = j % 5 == 0 ? "exact" : "shortlist",
            shortlist = j % 5 == 0 ? (int?)null : 4 + j % 9,
        }).ToArray();
        var alone = new List<SearchResponse>();
        foreach (var body in bodies) alone.Add(await Post(service.Client, "/search/text-to-image", body));
        var together = await Task.WhenAll(bodies.Select(b => Post(service.Client, "/search/text-to-image", b)));
        for (int j = 0; j < bodies.Length; j++)
        {
            Assert.Equal((alone[j].Mode, alone[j].Shortlist), (together[j].Mode, together[j].Shortlist));
            Assert.Equal(alone[j].Results.Select(r => (r.Reranked, r.Hits.Select(h => h.Id).ToArray())), together[j].Results.Select(r => (r.Reranked, r.Hits.Select(h => h.Id).ToArray())));
            var pairs = alone[j].Results.SelectMany(r => r.Hits).Zip(together[j].Results.SelectMany(r => r.Hits));
            Assert.All(pairs, p => Assert.Equal(p.First.Score, p.Second.Score, 1e-6));
        }
    }

    [Fact]
    public async Task Shortlist_searches_skip_the_batcher_and_exact_ones_go_through_it()
    {
        // Requests gathered into image-to-text batches, as /metrics counts them (0 before the first batch).
        async Task<double> Batched() =>
            (await Exposition.ScrapeAsync(service.Client)).ValueOrZero("sgraf_batch_requests_sum", ("direction", "image-to-text"));
        var before = await Batched();
        var shortlisted = await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = "img-03" } }, k = 3, mode = "shortlist", shortlist = 5 });
        Assert.Equal("shortlist", shortlisted.Mode);
        Assert.Equal(before, await Batched());
        var exact = await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = "img-03" } }, k = 3, mode = "exact" });
        Assert.Equal("exact", exact.Mode);
        Assert.Equal(before + 1, await Batched());
    }

    [Fact]
    public async Task Readiness_and_metrics_tell_of_the_head_and_the_modes_that_ran()
    {
        var ready = await service.Client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/health/ready");
        Assert.True(ready!["shortlistHead"]!.GetValue<bool>());
        Assert.Equal(service.Runtime.Shortlist!.Dim, ready["shortlistDim"]!.GetValue<int>());

        await Post(service.Client, "/search/image-to-text", new { queries = new[] { new { id = "img-02" } }, mode = "shortlist" });
        var metrics = await Exposition.ScrapeAsync(service.Client);
        Assert.True(metrics.Value("sgraf_searches_total", ("direction", "image-to-text"), ("mode", "shortlist")) >= 1);
        Assert.True(metrics.Value("sgraf_shortlist_first_stage_seconds_count", ("direction", "image-to-text")) >= 1);
    }
}
