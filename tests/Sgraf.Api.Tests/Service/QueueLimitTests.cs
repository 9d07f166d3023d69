using System.Net;
using System.Net.Http.Json;

namespace Sgraf.Api.Tests.Service;

public sealed class QueueLimitTests
{
    [Fact]
    public async Task A_full_search_queue_answers_503_with_retry_after_and_the_others_are_served()
    {
        await using var factory = new SgrafServiceFactory(new Dictionary<string, string?>
        {
            ["Sgraf:Batching:QueueCapacity"] = "1",
            ["Sgraf:Batching:MaxBatchSize"] = "1",
        });
        using var client = await factory.CreateReadyClientAsync();
        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody([.. Enumerable.Range(0, 200).Select(i => ($"q{i}", i))]))).EnsureSuccessStatusCode();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { $"a red circle {i}" }, k = 3 })));
        var full = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.NotEmpty(full);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, r.StatusCode.ToString()));
        Assert.Equal("1", full[0].Headers.RetryAfter?.ToString());
        Assert.Contains("queue is full", await full[0].Content.ReadAsStringAsync());

        // /metrics counts each answer with the status sent: shed searches as 503, bad input as 400, none as 500.
        using var bad = await client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red circle" }, k = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var metrics = await Observability.Exposition.ScrapeAsync(client);
        (string, string)[] search = [("route", "/search/text-to-image"), ("method", "POST")];
        Assert.Equal(full.Length, metrics.Value("sgraf_http_requests_total", [.. search, ("status", "503")]));
        Assert.Equal(1, metrics.Value("sgraf_http_requests_total", [.. search, ("status", "400")]));
        Assert.DoesNotContain("status=\"500\"", metrics.Text);
    }
}
