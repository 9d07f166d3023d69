using System.Net;

namespace Sgraf.Api.Tests.Observability;

// Each response body is read to its end before the metrics are looked at: TestServer completes the body only once
// the whole pipeline, this middleware included, has returned.
public sealed class RequestMetricsTests
{
    [Fact]
    public async Task Requests_are_labelled_with_the_route_pattern_not_the_path()
    {
        await using var app = await MetricsTestApp.StartAsync();

        await GetAsync(app, "/items/42");
        await GetAsync(app, "/items/7");

        var text = app.Metrics.Render();
        Assert.Equal(2, Exposition.Sample(text, "sgraf_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"200\"}"));
        Assert.Equal(2, Exposition.Sample(text, "sgraf_http_request_duration_seconds_count{route=\"/items/{id}\",method=\"GET\"}"));
        Assert.DoesNotContain("/items/42", text);
    }

    [Fact]
    public async Task Paths_no_endpoint_matches_share_one_unmatched_label()
    {
        await using var app = await MetricsTestApp.StartAsync();

        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(app, "/wp-admin/setup.php"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(app, "/.env"));

        var text = app.Metrics.Render();
        Assert.Equal(2, Exposition.Sample(text, "sgraf_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"));
        Assert.DoesNotContain("wp-admin", text);
    }

    [Fact]
    public async Task The_final_status_code_is_recorded()
    {
        await using var app = await MetricsTestApp.StartAsync();

        Assert.Equal((HttpStatusCode)418, await GetAsync(app, "/teapot"));
        Assert.Equal(HttpStatusCode.BadRequest, await GetAsync(app, "/items/not-a-number"));

        var text = app.Metrics.Render();
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_requests_total{route=\"/teapot\",method=\"GET\",status=\"418\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"400\"}"));
    }

    [Fact]
    public async Task A_request_whose_handler_throws_is_recorded_as_500_and_the_exception_still_escapes()
    {
        await using var app = await MetricsTestApp.StartAsync();

        var escaped = await Assert.ThrowsAsync<InvalidOperationException>(() => GetAsync(app, "/fails"));

        Assert.Equal("The handler failed.", escaped.Message);
        Assert.Equal(1, Exposition.Sample(app.Metrics.Render(), "sgraf_http_requests_total{route=\"/fails\",method=\"GET\",status=\"500\"}"));
    }

    [Fact]
    public async Task Methods_other_than_the_standard_ones_share_one_label()
    {
        await using var app = await MetricsTestApp.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod("PROBE"), "/items/1");
        using var response = await app.Client.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var text = app.Metrics.Render();
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"405\"}"));
        Assert.DoesNotContain("PROBE", text);
    }

    private static async Task<HttpStatusCode> GetAsync(MetricsTestApp app, string path)
    {
        using var response = await app.Client.GetAsync(path);
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }
}
