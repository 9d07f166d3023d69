using System.Net;
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
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task The_endpoint_serves_what_was_recorded()
    {
        await using var app = await MetricsTestApp.StartAsync();
        app.Metrics.QueryCacheMiss();
        app.Metrics.ScoringCompleted("text-to-image", "sgraf", queries: 3, items: 5, TimeSpan.FromMilliseconds(4));
        using (var first = await app.Client.GetAsync("/items/1"))
            await first.Content.ReadAsStringAsync();

        var text = await app.Client.GetStringAsync("/metrics");

        Assert.Equal(1, Exposition.Sample(text, "sgraf_query_cache_requests_total{result=\"miss\"}"));
        Assert.Equal(15, Exposition.Sample(text, "sgraf_scored_pairs_total{direction=\"text-to-image\",model=\"sgraf\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"200\"}"));
    }

    [Fact]
    public async Task The_endpoint_is_left_out_of_the_api_description()
    {
        await using var app = await MetricsTestApp.StartAsync();

        var endpoint = Assert.Single(app.Endpoints, e => e.DisplayName?.Contains("/metrics", StringComparison.Ordinal) == true);

        Assert.Contains(endpoint.Metadata, metadata => metadata is IExcludeFromDescriptionMetadata { ExcludeFromDescription: true });
    }
}
