using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Routing;

namespace Sgraf.Api.Tests.Observability;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_are_served_as_prometheus_text_format_0_0_4()
    {
        await using var app = await MetricsTestApp.StartAsync();

        using var response = await app.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Exposition.ContentType, response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task A_scraper_asking_for_openmetrics_still_gets_text_format_0_0_4()
    {
        await using var app = await MetricsTestApp.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        // What a Prometheus server sends by default.
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(Exposition.ContentType, response.Content.Headers.ContentType?.ToString());
        Assert.DoesNotContain("# EOF", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_get_is_answered()
    {
        await using var app = await MetricsTestApp.StartAsync();

        using var response = await app.Client.PostAsync("/metrics", new StringContent(""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task The_endpoint_serves_what_was_recorded_with_the_type_of_each_family()
    {
        await using var app = await MetricsTestApp.StartAsync();
        app.Get<Sgraf.Api.Observability.QueryCacheMetrics>().Misses(1);
        app.Get<Sgraf.Api.Observability.ScoringMetrics>().ScoringCompleted("text-to-image", "sgraf", queries: 3, items: 5, TimeSpan.FromMilliseconds(4));

        var scrape = await app.ScrapeAsync();

        Assert.Equal(1, scrape.Value("sgraf_query_cache_requests_total", ("result", "miss")));
        Assert.Equal(15, scrape.Value("sgraf_scored_pairs_total", ("direction", "text-to-image"), ("model", "sgraf")));
        Assert.Equal("histogram", scrape.TypeOf("sgraf_scoring_seconds"));
        // prometheus-net publishes a .NET Counter as a Prometheus gauge (README, "Metrics"); the name keeps _total.
        Assert.Equal("gauge", scrape.TypeOf("sgraf_scored_pairs_total"));
    }

    [Fact]
    public async Task Only_the_services_own_metrics_are_published()
    {
        await using var app = await MetricsTestApp.StartAsync();
        using (var first = await app.Client.GetAsync("/items/1"))
            await first.Content.ReadAsStringAsync();

        var scrape = await app.ScrapeAsync();

        // ASP.NET Core's and the runtime's own meters (http.server.request.duration, kestrel, dotnet.gc) stay out.
        var families = scrape.Text.Split('\n').Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(line => line.Split(' ')[2]).ToList();
        Assert.NotEmpty(families);
        Assert.All(families, family => Assert.True(
            family.StartsWith("sgraf_", StringComparison.Ordinal) || family == "prometheus_net_meteradapter_instruments_connected", family));
    }

    [Fact]
    public async Task The_endpoint_is_left_out_of_the_api_description()
    {
        await using var app = await MetricsTestApp.StartAsync();

        var endpoint = Assert.Single(app.Endpoints, e => e is RouteEndpoint { RoutePattern.RawText: "/metrics" });

        Assert.Contains(endpoint.Metadata, metadata => metadata is IExcludeFromDescriptionMetadata { ExcludeFromDescription: true });
    }
}
