using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sgraf.Api.Search;
using Sgraf.Api.Tests.Observability;
using Sgraf.Inference.Text;

namespace Sgraf.Api.Tests.Service;

/// <summary>
/// The populated service with every search heavy (Sgraf:Admission:HeavyAbove 0), a cost bound of 50,000 units and at
/// most 500 hits an answer.
/// </summary>
public sealed class AdmittingService() : PopulatedService(new Dictionary<string, string?>
{
    ["Sgraf:Admission:HeavyAbove"] = "0",
    ["Sgraf:Admission:MaxRequestCost"] = "50000",
    ["Sgraf:Admission:MaxResponseHits"] = "500",
});

public sealed class AdmissionTests(AdmittingService service) : IClassFixture<AdmittingService>
{
    const double ScoreTolerance = 2e-6;

    static async Task<JsonObject> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task A_search_over_the_cost_bound_is_a_400_naming_the_bound_and_how_to_stay_under_it()
    {
        var queries = Enumerable.Repeat("a red circle", 64).ToArray();
        using var response = await service.Client.PostAsJsonAsync("/search/text-to-image", new { queries, k = 3 });

        var problem = await Problem(response, HttpStatusCode.BadRequest);
        var expected = SearchCost.TextToImage(queries, PopulatedService.ImageCount, null, SearchModel.Sgraf, 3);
        var message = problem["errors"]!["queries"]![0]!.GetValue<string>();
        Assert.StartsWith($"would cost about {expected.Work:N0} units (64 queries × 40 images × 2 models × 17 tokens a pair), over Sgraf:Admission:MaxRequestCost (50,000)", message);
        Assert.Contains("send fewer or shorter queries", message);
        Assert.Single(problem["errors"]!.AsObject());
    }

    [Fact]
    public async Task An_image_search_is_costed_by_the_gallerys_caption_lengths()
    {
        var queries = Enumerable.Repeat(new { id = "img-01" }, 64).ToArray();
        using var response = await service.Client.PostAsJsonAsync("/search/image-to-text", new { queries, k = 3 });

        var problem = await Problem(response, HttpStatusCode.BadRequest);
        double meanTokens = Enumerable.Range(0, PopulatedService.CaptionCount).Average(j => CaptionTokenizer.Tokenize(PopulatedService.CaptionText(j)).Count + 2.0);
        var expected = SearchCost.ImageToText(64, PopulatedService.CaptionCount, meanTokens, null, SearchModel.Sgraf, 3);
        Assert.StartsWith($"would cost about {expected.Work:N0} units (64 queries × 24 captions × 2 models × {expected.TokensPerPair:N0} tokens a pair)",
            problem["errors"]!["queries"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_answer_over_the_hits_bound_is_a_400_on_k_with_the_largest_k_that_fits()
    {
        var queries = Enumerable.Range(0, 20).Select(PopulatedService.CaptionText).ToArray();
        using var response = await service.Client.PostAsJsonAsync("/search/text-to-image", new { queries, k = 100 });

        var problem = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal("asks for 800 hits (20 queries × 40), over Sgraf:Admission:MaxResponseHits (500); ask for a smaller k (at most 25 with 20 queries) "
            + "or send fewer queries", problem["errors"]!["k"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Heavy_searches_skip_the_batcher_and_return_the_runtimes_exact_hits_and_scores()
    {
        string[] queries = [PopulatedService.CaptionText(0), PopulatedService.CaptionText(9)];
        using var textResponse = await service.Client.PostAsJsonAsync("/search/text-to-image", new { queries, k = 7 });
        var text = (await textResponse.Content.ReadFromJsonAsync<SearchResponse>())!;
        using var imageResponse = await service.Client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { new { id = "img-05" } }, k = 5 });
        var image = (await imageResponse.Content.ReadFromJsonAsync<SearchResponse>())!;

        var textScores = service.Score(service.Images, service.Runtime.EncodeCaptions(queries), "sgraf");
        for (int q = 0; q < queries.Length; q++)
        {
            var expected = PopulatedService.Top(Enumerable.Range(0, PopulatedService.ImageCount).Select(i => (PopulatedService.ImageId(i), textScores[i, q])), 7);
            Assert.Equal(expected.Select(e => e.Id), text.Results[q].Hits.Select(h => h.Id));
            for (int r = 0; r < 7; r++) Assert.Equal(expected[r].Score, text.Results[q].Hits[r].Score, ScoreTolerance);
        }
        var captionScores = service.Score(service.Images, service.GalleryCaptions, "sgraf");
        var expectedCaptions = PopulatedService.Top(Enumerable.Range(0, PopulatedService.CaptionCount).Select(j => (PopulatedService.CaptionId(j), captionScores[5, j])), 5);
        Assert.Equal(expectedCaptions.Select(e => e.Id), image.Results[0].Hits.Select(h => h.Id));
        for (int r = 0; r < 5; r++) Assert.Equal(expectedCaptions[r].Score, image.Results[0].Hits[r].Score, ScoreTolerance);

        // They ran in the heavy lane, and none went through a batcher.
        var scrape = await Exposition.ScrapeAsync(service.Client);
        Assert.True(scrape.Value("sgraf_search_cost_units_count", ("lane", "heavy")) >= 2);
        Assert.False(scrape.Has("sgraf_batch_requests_count", ("direction", "text-to-image")));
        Assert.False(scrape.Has("sgraf_batch_requests_count", ("direction", "image-to-text")));
    }

    [Fact]
    public async Task A_cheap_search_is_answered_while_a_heavy_one_runs_and_one_more_heavy_gets_503_with_retry_after()
    {
        // Eight queries against 10 images cost 8 × 10 × 2 × 17 = 2,720 units: heavy, and the heavy lane holds only one.
        await using var factory = new SgrafServiceFactory(new Dictionary<string, string?>
        {
            ["Sgraf:Admission:HeavyAbove"] = "1000",
            ["Sgraf:Admission:MaxRequestCost"] = "3000",
            ["Sgraf:Admission:MaxHeavyCost"] = "3000",
            ["Sgraf:Admission:MaxLightCost"] = "1000",
        });
        var held = new HeldHeavySearches();
        await using var app = factory.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.Replace(ServiceDescriptor.Singleton<ISearchService>(sp => held.Around(sp.GetRequiredService<SearchDispatcher>())))));
        using var client = await ReadyClientAsync(app);
        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody([.. Enumerable.Range(0, 10).Select(i => ($"i{i}", i))]))).EnsureSuccessStatusCode();
        var heavyBody = new { queries = Enumerable.Repeat("a red circle", 8).ToArray(), k = 3 };

        var heavy = client.PostAsJsonAsync("/search/text-to-image", heavyBody);
        await held.Entered.Task.WaitAsync(TimeSpan.FromSeconds(60));

        using (var refused = await client.PostAsJsonAsync("/search/text-to-image", heavyBody))
        {
            var problem = await Problem(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
            Assert.Equal("The heavy searches' lane is full", problem["title"]!.GetValue<string>());
            Assert.Contains("already cost 2,720 of the 3,000 units", problem["detail"]!.GetValue<string>());
        }
        using (var cheap = await client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red circle" }, k = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, cheap.StatusCode);
            Assert.Equal(3, (await cheap.Content.ReadFromJsonAsync<SearchResponse>())!.Results[0].Hits.Count);
        }
        Assert.False(heavy.IsCompleted);

        held.Release.SetResult();
        using var answered = await heavy;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(8, (await answered.Content.ReadFromJsonAsync<SearchResponse>())!.Results.Count);
    }

    static async Task<HttpClient> ReadyClientAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app)
    {
        var client = app.CreateClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !(await client.GetAsync("/health/ready")).IsSuccessStatusCode;)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the service did not get ready");
            await Task.Delay(50);
        }
        client.DefaultRequestHeaders.Add("X-Api-Key", SgrafServiceFactory.ApiKey);
        return client;
    }

    /// <summary>The service's own search, except that heavy searches are held until the test releases them.</summary>
    sealed class HeldHeavySearches
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ISearchService Around(SearchDispatcher inner) => new Search(this, inner);

        sealed class Search(HeldHeavySearches held, ISearchService inner) : ISearchService
        {
            public async Task<SearchOutcome> TextToImageAsync(TextSearchJob job, bool allowPartial, CancellationToken cancellationToken)
            {
                if (job.Heavy)
                {
                    held.Entered.TrySetResult();
                    await held.Release.Task;
                }
                return await inner.TextToImageAsync(job, allowPartial, cancellationToken);
            }

            public Task<SearchOutcome> ImageToTextAsync(ImageSearchJob job, bool allowPartial, CancellationToken cancellationToken) =>
                inner.ImageToTextAsync(job, allowPartial, cancellationToken);
        }
    }
}
