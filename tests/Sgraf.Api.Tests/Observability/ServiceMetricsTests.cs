using Sgraf.Api.Observability;

namespace Sgraf.Api.Tests.Observability;

public sealed class ServiceMetricsTests
{
    private readonly ServiceMetrics _metrics = new();

    [Fact]
    public void A_completed_request_is_counted_by_route_method_and_status_and_timed_by_route_and_method()
    {
        _metrics.RequestCompleted("/items/{id}", "GET", 200, TimeSpan.FromMilliseconds(20));
        _metrics.RequestCompleted("/items/{id}", "GET", 404, TimeSpan.FromMilliseconds(3));

        var text = _metrics.Render();
        Assert.Contains("# TYPE sgraf_http_requests_total counter\n", text);
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"200\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_requests_total{route=\"/items/{id}\",method=\"GET\",status=\"404\"}"));
        Assert.Contains("# TYPE sgraf_http_request_duration_seconds histogram\n", text);
        Assert.Equal(2, Exposition.Sample(text, "sgraf_http_request_duration_seconds_count{route=\"/items/{id}\",method=\"GET\"}"));
        Assert.Equal(0.023, Exposition.Sample(text, "sgraf_http_request_duration_seconds_sum{route=\"/items/{id}\",method=\"GET\"}"), 9);
        Assert.Equal(1, Exposition.Sample(text, "sgraf_http_request_duration_seconds_bucket{route=\"/items/{id}\",method=\"GET\",le=\"0.005\"}"));
    }

    [Fact]
    public void Request_durations_have_buckets_from_a_millisecond_to_ten_seconds()
    {
        _metrics.RequestCompleted("/", "GET", 200, TimeSpan.Zero);

        var bounds = Exposition.Lines(_metrics.Render())
            .Where(line => line.StartsWith("sgraf_http_request_duration_seconds_bucket", StringComparison.Ordinal))
            .Select(line => line.Split("le=\"")[1].Split('"')[0])
            .ToList();
        Assert.Equal("0.001", bounds[0]);
        Assert.Equal("10", bounds[^2]);
        Assert.Equal("+Inf", bounds[^1]);
    }

    [Fact]
    public void Each_batcher_records_under_its_own_direction()
    {
        var textToImage = _metrics.BatcherMetrics("text-to-image");
        var imageToText = _metrics.BatcherMetrics("image-to-text");

        textToImage.BatchStarted(requestCount: 3, weight: 12);
        textToImage.RequestDequeued(TimeSpan.FromMilliseconds(2));
        textToImage.RequestRejected();
        textToImage.RequestRejected();
        imageToText.BatchStarted(requestCount: 1, weight: 1);

        var text = _metrics.Render();
        Assert.Equal(3, Exposition.Sample(text, "sgraf_batch_requests_sum{direction=\"text-to-image\"}"));
        Assert.Equal(12, Exposition.Sample(text, "sgraf_batch_queries_sum{direction=\"text-to-image\"}"));
        Assert.Equal(0, Exposition.Sample(text, "sgraf_batch_queries_bucket{direction=\"text-to-image\",le=\"8\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_batch_queries_bucket{direction=\"text-to-image\",le=\"16\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_batcher_queue_wait_seconds_count{direction=\"text-to-image\"}"));
        Assert.Equal(0.002, Exposition.Sample(text, "sgraf_batcher_queue_wait_seconds_sum{direction=\"text-to-image\"}"), 9);
        Assert.Equal(2, Exposition.Sample(text, "sgraf_batcher_rejected_total{direction=\"text-to-image\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_batch_requests_sum{direction=\"image-to-text\"}"));
        Assert.DoesNotContain("sgraf_batcher_rejected_total{direction=\"image-to-text\"} 1", text);
    }

    [Fact]
    public void Query_cache_hits_and_misses_are_counted_apart()
    {
        _metrics.QueryCacheHit();
        _metrics.QueryCacheHit();
        _metrics.QueryCacheMiss();

        var text = _metrics.Render();
        Assert.Equal(2, Exposition.Sample(text, "sgraf_query_cache_requests_total{result=\"hit\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_query_cache_requests_total{result=\"miss\"}"));
    }

    [Fact]
    public void The_gallery_size_is_read_when_scraped_not_when_observed()
    {
        var gallery = (Images: 10, Captions: 50);
        _metrics.ObserveGallerySize(() => gallery);
        gallery = (Images: 11, Captions: 55);

        var text = _metrics.Render();
        Assert.Contains("# TYPE sgraf_gallery_items gauge\n", text);
        Assert.Equal(11, Exposition.Sample(text, "sgraf_gallery_items{kind=\"image\"}"));
        Assert.Equal(55, Exposition.Sample(text, "sgraf_gallery_items{kind=\"caption\"}"));
    }

    [Fact]
    public void Scoring_is_timed_and_its_pairs_counted_by_direction_and_model()
    {
        _metrics.ScoringCompleted("text-to-image", "sgraf", queries: 4, items: 1000, TimeSpan.FromMilliseconds(30));
        _metrics.ScoringCompleted("text-to-image", "sgraf", queries: 2, items: 1000, TimeSpan.FromMilliseconds(10));

        var text = _metrics.Render();
        Assert.Equal(2, Exposition.Sample(text, "sgraf_scoring_seconds_count{direction=\"text-to-image\",model=\"sgraf\"}"));
        Assert.Equal(6000, Exposition.Sample(text, "sgraf_scored_pairs_total{direction=\"text-to-image\",model=\"sgraf\"}"));
    }

    [Fact]
    public void Pairs_beyond_the_int_range_are_counted_exactly()
    {
        _metrics.ScoringCompleted("image-to-text", "saf", queries: 100_000, items: 100_000, TimeSpan.FromSeconds(1));

        Assert.Equal(1e10, Exposition.Sample(_metrics.Render(), "sgraf_scored_pairs_total{direction=\"image-to-text\",model=\"saf\"}"));
    }

    [Fact]
    public void Searches_are_counted_by_the_mode_that_ran_and_first_stages_timed_by_direction()
    {
        _metrics.SearchCompleted("text-to-image", "shortlist");
        _metrics.SearchCompleted("text-to-image", "shortlist");
        _metrics.SearchCompleted("text-to-image", "exact");
        _metrics.FirstStageCompleted("text-to-image", TimeSpan.FromMilliseconds(0.3));

        var text = _metrics.Render();
        Assert.Equal(2, Exposition.Sample(text, "sgraf_searches_total{direction=\"text-to-image\",mode=\"shortlist\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_searches_total{direction=\"text-to-image\",mode=\"exact\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_shortlist_first_stage_seconds_count{direction=\"text-to-image\"}"));
        Assert.Equal(0, Exposition.Sample(text, "sgraf_shortlist_first_stage_seconds_bucket{direction=\"text-to-image\",le=\"0.00025\"}"));
        Assert.Equal(1, Exposition.Sample(text, "sgraf_shortlist_first_stage_seconds_bucket{direction=\"text-to-image\",le=\"0.0005\"}"));
    }
}
