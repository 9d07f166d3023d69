using Sgraf.Api.Observability;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Tests.Observability;

// Each concern records through its own instruments; every assertion reads a real GET /metrics scrape.
public sealed class ServiceInstrumentsTests : IAsyncLifetime
{
    private MetricsTestApp _app = null!;

    public async Task InitializeAsync() => _app = await MetricsTestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Each_batcher_records_under_its_own_direction()
    {
        var batchers = _app.Get<BatcherMetrics>();
        var textToImage = batchers.For("text-to-image");
        var imageToText = batchers.For("image-to-text");

        textToImage.BatchStarted(requestCount: 3, weight: 12);
        textToImage.RequestDequeued(TimeSpan.FromMilliseconds(2));
        textToImage.RequestRejected();
        textToImage.RequestRejected();
        imageToText.BatchStarted(requestCount: 1, weight: 1);

        var scrape = await _app.ScrapeAsync();
        var t2i = ("direction", "text-to-image");
        Assert.Equal(3, scrape.Value("sgraf_batch_requests_sum", t2i));
        Assert.Equal(12, scrape.Value("sgraf_batch_queries_sum", t2i));
        Assert.Equal(0, scrape.Value("sgraf_batch_queries_bucket", t2i, ("le", "8")));
        Assert.Equal(1, scrape.Value("sgraf_batch_queries_bucket", t2i, ("le", "16")));
        Assert.Equal(1, scrape.Value("sgraf_batcher_queue_wait_seconds_count", t2i));
        Assert.Equal(0.002, scrape.Value("sgraf_batcher_queue_wait_seconds_sum", t2i), 9);
        Assert.Equal(2, scrape.Value("sgraf_batcher_rejected_total", t2i));
        Assert.Equal(1, scrape.Value("sgraf_batch_requests_sum", ("direction", "image-to-text")));
        Assert.Equal(0, scrape.Value("sgraf_batcher_rejected_total", ("direction", "image-to-text")));
        Assert.Equal(["1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "+Inf"], scrape.BucketBounds("sgraf_batch_requests", t2i));
        Assert.Equal(["0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "+Inf"],
            scrape.BucketBounds("sgraf_batcher_queue_wait_seconds", t2i));
    }

    [Fact]
    public async Task A_batchers_rejections_read_zero_before_the_first_one()
    {
        _app.Get<BatcherMetrics>().For("text-to-image");

        var scrape = await _app.ScrapeAsync();

        Assert.Equal(0, scrape.Value("sgraf_batcher_rejected_total", ("direction", "text-to-image")));
    }

    [Fact]
    public async Task Query_cache_hits_and_misses_are_counted_apart_and_appear_with_their_first_lookup()
    {
        var cache = _app.Get<QueryCacheMetrics>();
        cache.Hits(2);
        cache.Misses(0);

        var first = await _app.ScrapeAsync();
        cache.Misses(1);
        var second = await _app.ScrapeAsync();

        Assert.Equal(2, first.Value("sgraf_query_cache_requests_total", ("result", "hit")));
        Assert.False(first.Has("sgraf_query_cache_requests_total", ("result", "miss")));
        Assert.Equal(1, second.Value("sgraf_query_cache_requests_total", ("result", "miss")));
    }

    [Fact]
    public async Task The_runtime_device_is_one_series_for_the_device_in_use()
    {
        _app.Get<RuntimeDeviceMetrics>().ReadFrom(() => ExecutionDevice.Cuda);

        var scrape = await _app.ScrapeAsync();

        Assert.Equal("gauge", scrape.TypeOf("sgraf_runtime_device"));
        Assert.Equal(1, scrape.Value("sgraf_runtime_device", ("device", "cuda")));
        Assert.False(scrape.Has("sgraf_runtime_device", ("device", "cpu")));
    }

    [Fact]
    public async Task The_gallery_size_is_read_when_scraped_not_when_observed()
    {
        var gallery = (Images: 10, Captions: 50);
        _app.Get<GallerySizeMetrics>().ReadFrom(() => gallery);
        gallery = (Images: 11, Captions: 55);

        var first = await _app.ScrapeAsync();
        gallery = (Images: 12, Captions: 0);
        var second = await _app.ScrapeAsync();

        Assert.Equal("gauge", first.TypeOf("sgraf_gallery_items"));
        Assert.Equal(11, first.Value("sgraf_gallery_items", ("kind", "image")));
        Assert.Equal(55, first.Value("sgraf_gallery_items", ("kind", "caption")));
        Assert.Equal(12, second.Value("sgraf_gallery_items", ("kind", "image")));
        Assert.Equal(0, second.Value("sgraf_gallery_items", ("kind", "caption")));
    }

    [Fact]
    public async Task Scoring_is_timed_and_its_pairs_counted_by_direction_and_model()
    {
        var scoring = _app.Get<ScoringMetrics>();
        scoring.ScoringCompleted("text-to-image", "sgraf", queries: 4, items: 1000, TimeSpan.FromMilliseconds(30));
        scoring.ScoringCompleted("text-to-image", "sgraf", queries: 2, items: 1000, TimeSpan.FromMilliseconds(10));

        var scrape = await _app.ScrapeAsync();
        (string, string)[] series = [("direction", "text-to-image"), ("model", "sgraf")];
        Assert.Equal(2, scrape.Value("sgraf_scoring_seconds_count", series));
        Assert.Equal(0.04, scrape.Value("sgraf_scoring_seconds_sum", series), 9);
        Assert.Equal(1, scrape.Value("sgraf_scoring_seconds_bucket", [.. series, ("le", "0.025")]));
        Assert.Equal(6000, scrape.Value("sgraf_scored_pairs_total", series));
    }

    [Fact]
    public async Task Pairs_beyond_the_int_range_are_counted_exactly()
    {
        _app.Get<ScoringMetrics>().ScoringCompleted("image-to-text", "saf", queries: 100_000, items: 100_000, TimeSpan.FromSeconds(1));

        var scrape = await _app.ScrapeAsync();

        Assert.Equal(1e10, scrape.Value("sgraf_scored_pairs_total", ("direction", "image-to-text"), ("model", "saf")));
    }

    [Fact]
    public async Task Searches_are_counted_by_the_mode_that_ran_and_first_stages_timed_by_direction()
    {
        var search = _app.Get<SearchMetrics>();
        search.SearchCompleted("text-to-image", "shortlist");
        search.SearchCompleted("text-to-image", "shortlist");
        search.SearchCompleted("text-to-image", "exact");
        search.FirstStageCompleted("text-to-image", TimeSpan.FromMilliseconds(0.3));

        var scrape = await _app.ScrapeAsync();
        var t2i = ("direction", "text-to-image");
        Assert.Equal(2, scrape.Value("sgraf_searches_total", t2i, ("mode", "shortlist")));
        Assert.Equal(1, scrape.Value("sgraf_searches_total", t2i, ("mode", "exact")));
        Assert.Equal(1, scrape.Value("sgraf_shortlist_first_stage_seconds_count", t2i));
        Assert.Equal(0, scrape.Value("sgraf_shortlist_first_stage_seconds_bucket", t2i, ("le", "0.00025")));
        Assert.Equal(1, scrape.Value("sgraf_shortlist_first_stage_seconds_bucket", t2i, ("le", "0.0005")));
        // prometheus-net spells the smallest bound 5e-05; our own exposition wrote 5E-05 (README, "Metrics").
        Assert.Equal(["5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1", "+Inf"],
            scrape.BucketBounds("sgraf_shortlist_first_stage_seconds", t2i));
    }

    [Fact]
    public async Task Two_hosts_in_one_process_keep_their_counts_apart()
    {
        await using var other = await MetricsTestApp.StartAsync();
        _app.Get<SearchMetrics>().SearchCompleted("image-to-text", "exact");
        other.Get<SearchMetrics>().SearchCompleted("image-to-text", "exact");
        other.Get<SearchMetrics>().SearchCompleted("image-to-text", "exact");

        Assert.Equal(1, (await _app.ScrapeAsync()).Value("sgraf_searches_total", ("direction", "image-to-text"), ("mode", "exact")));
        Assert.Equal(2, (await other.ScrapeAsync()).Value("sgraf_searches_total", ("direction", "image-to-text"), ("mode", "exact")));
    }

    [Fact]
    public async Task Concurrent_recordings_are_all_counted()
    {
        const int threads = 8, perThread = 20_000;
        var requests = _app.Get<RequestMetrics>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(thread => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
                requests.RequestCompleted("/same", "GET", 200 + thread % 2, TimeSpan.FromMilliseconds(0.5));
        })).ToList();
        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());

        var scrape = await _app.ScrapeAsync();
        Assert.Equal(threads / 2 * perThread, scrape.Value("sgraf_http_requests_total", ("route", "/same"), ("method", "GET"), ("status", "200")));
        Assert.Equal(threads / 2 * perThread, scrape.Value("sgraf_http_requests_total", ("route", "/same"), ("method", "GET"), ("status", "201")));
        Assert.Equal(threads * perThread, scrape.Value("sgraf_http_request_duration_seconds_count", ("route", "/same"), ("method", "GET")));
        Assert.Equal(threads * perThread, scrape.Value("sgraf_http_request_duration_seconds_bucket", ("route", "/same"), ("method", "GET"), ("le", "0.001")));
    }

    [Fact]
    public async Task Admission_records_costs_waits_and_refusals_by_lane_and_reads_each_lanes_load_at_scrape()
    {
        var admission = _app.Get<AdmissionMetrics>();
        long held = 12_000;
        admission.Observe("heavy", () => held, () => 2_500);
        admission.Observe("light", () => 0, () => null);
        admission.Admitted("heavy", 5_000_000, TimeSpan.FromSeconds(2));
        admission.Rejected("heavy", "busy");
        admission.Rejected("light", "too_costly");

        var scrape = await _app.ScrapeAsync();
        var heavy = ("lane", "heavy");
        Assert.Equal(12_000, scrape.Value("sgraf_admission_held_units", heavy));
        Assert.Equal(2_500, scrape.Value("sgraf_admission_drain_units_per_second", heavy));
        Assert.False(scrape.Has("sgraf_admission_drain_units_per_second", ("lane", "light")));
        Assert.Equal(5_000_000, scrape.Value("sgraf_search_cost_units_sum", heavy));
        Assert.Equal(["1000", "3000", "10000", "30000", "100000", "300000", "1000000", "3000000", "10000000", "30000000", "100000000", "300000000", "+Inf"],
            scrape.BucketBounds("sgraf_search_cost_units", heavy));
        Assert.Equal(1, scrape.Value("sgraf_search_cost_units_bucket", heavy, ("le", "10000000")));
        Assert.Equal(0, scrape.Value("sgraf_search_cost_units_bucket", heavy, ("le", "3000000")));
        Assert.Equal(2, scrape.Value("sgraf_admission_wait_seconds_sum", heavy));
        Assert.Equal(1, scrape.Value("sgraf_admission_rejected_total", heavy, ("reason", "busy")));
        Assert.Equal(0, scrape.Value("sgraf_admission_rejected_total", heavy, ("reason", "too_costly")));
        Assert.Equal(1, scrape.Value("sgraf_admission_rejected_total", ("lane", "light"), ("reason", "too_costly")));

        held = 0;
        Assert.Equal(0, (await _app.ScrapeAsync()).Value("sgraf_admission_held_units", heavy));
    }
}
