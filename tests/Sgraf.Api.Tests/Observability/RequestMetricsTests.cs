using System.Net;

namespace Sgraf.Api.Tests.Observability;

// Each response body is read to its end before scraping: TestServer completes the body only once the whole
// pipeline, this middleware included, has returned.
public sealed class RequestMetricsTests
{
    private const string Requests = "sgraf_http_requests_total";
    private const string Duration = "sgraf_http_request_duration_seconds";

    [Fact]
    public async Task Requests_are_labelled_with_the_route_pattern_not_the_path()
    {
        await using var app = await MetricsTestApp.StartAsync();

        await GetAsync(app, "/items/42");
        await GetAsync(app, "/items/7");

        var scrape = await app.ScrapeAsync();
        Assert.Equal(2, scrape.Value(Requests, ("route", "/items/{id}"), ("method", "GET"), ("status", "200")));
        Assert.Equal(2, scrape.Value(Duration + "_count", ("route", "/items/{id}"), ("method", "GET")));
        Assert.DoesNotContain("/items/42", scrape.Text);
    }

    [Fact]
    public async Task Counts_move_with_each_request()
    {
        await using var app = await MetricsTestApp.StartAsync();

        await GetAsync(app, "/items/1");
        var first = await app.ScrapeAsync();
        await GetAsync(app, "/items/2");
        await GetAsync(app, "/items/3");
        var second = await app.ScrapeAsync();

        (string, string)[] series = [("route", "/items/{id}"), ("method", "GET"), ("status", "200")];
        Assert.Equal(1, first.Value(Requests, series));
        Assert.Equal(3, second.Value(Requests, series));
        // The scrapes themselves are requests too; the first scrape is counted by the time of the second.
        Assert.Equal(1, second.Value(Requests, ("route", "/metrics"), ("method", "GET"), ("status", "200")));
    }

    [Fact]
    public async Task Paths_no_endpoint_matches_share_one_unmatched_label()
    {
        await using var app = await MetricsTestApp.StartAsync();

        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(app, "/wp-admin/setup.php"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(app, "/.env"));

        var scrape = await app.ScrapeAsync();
        Assert.Equal(2, scrape.Value(Requests, ("route", "unmatched"), ("method", "GET"), ("status", "404")));
        Assert.DoesNotContain("wp-admin", scrape.Text);
    }

    [Fact]
    public async Task The_final_status_code_is_recorded()
    {
        await using var app = await MetricsTestApp.StartAsync();

        Assert.Equal((HttpStatusCode)418, await GetAsync(app, "/teapot"));
        Assert.Equal(HttpStatusCode.BadRequest, await GetAsync(app, "/items/not-a-number"));

        var scrape = await app.ScrapeAsync();
        Assert.Equal(1, scrape.Value(Requests, ("route", "/teapot"), ("method", "GET"), ("status", "418")));
        Assert.Equal(1, scrape.Value(Requests, ("route", "/items/{id}"), ("method", "GET"), ("status", "400")));
    }

    [Fact]
    public async Task A_request_whose_handler_throws_is_recorded_as_500_and_the_exception_still_escapes()
    {
        await using var app = await MetricsTestApp.StartAsync();

        var escaped = await Assert.ThrowsAsync<InvalidOperationException>(() => GetAsync(app, "/fails"));

        Assert.Equal("The handler failed.", escaped.Message);
        Assert.Equal(1, (await app.ScrapeAsync()).Value(Requests, ("route", "/fails"), ("method", "GET"), ("status", "500")));
    }

    [Fact]
    public async Task An_exception_the_handler_answers_is_recorded_with_the_status_it_sent_not_500()
    {
        await using var app = await MetricsTestApp.StartAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await GetAsync(app, "/shed"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await GetAsync(app, "/shed"));

        var scrape = await app.ScrapeAsync();
        Assert.Equal(2, scrape.Value(Requests, ("route", "/shed"), ("method", "GET"), ("status", "503")));
        Assert.DoesNotContain("status=\"500\"", scrape.Text);
    }

    [Fact]
    public async Task Methods_other_than_the_standard_ones_share_one_label()
    {
        await using var app = await MetricsTestApp.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod("PROBE"), "/items/1");
        using var response = await app.Client.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var scrape = await app.ScrapeAsync();
        Assert.Equal(1, scrape.Value(Requests, ("route", "unmatched"), ("method", "OTHER"), ("status", "405")));
        Assert.DoesNotContain("PROBE", scrape.Text);
    }

    [Fact]
    public async Task Durations_fall_in_buckets_from_a_millisecond_to_ten_seconds()
    {
        await using var app = await MetricsTestApp.StartAsync();

        await GetAsync(app, "/teapot");

        var scrape = await app.ScrapeAsync();
        (string, string)[] series = [("route", "/teapot"), ("method", "GET")];
        Assert.Equal(
            ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"],
            scrape.BucketBounds(Duration, series));
        Assert.Equal(1, scrape.Value(Duration + "_bucket", [.. series, ("le", "+Inf")]));
        Assert.InRange(scrape.Value(Duration + "_sum", series), double.Epsilon, 10);
    }

    private static async Task<HttpStatusCode> GetAsync(MetricsTestApp app, string path)
    {
        using var response = await app.Client.GetAsync(path);
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }
}
