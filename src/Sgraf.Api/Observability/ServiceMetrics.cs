using System.Globalization;
using Sgraf.Api.Batching;

namespace Sgraf.Api.Observability;

/// <summary>
/// Everything the service reports to Prometheus, under the <c>sgraf_</c> prefix, and its exposition text for
/// <c>GET /metrics</c>. One per process (see <see cref="ServiceMetricsRegistration.AddServiceMetrics"/>);
/// every method is thread-safe, cheap, and throws only for arguments that could never describe real work.
/// </summary>
public sealed class ServiceMetrics
{
    // Request and scoring latencies: 1 ms to 10 s in alternating x2.5 and x2 steps, as the Prometheus clients' defaults.
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // A batch's first request waits MaxWait (2 ms by default) for company; later ones less, unless the worker is busy.
    private static readonly double[] QueueWaitBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    // Requests or queries per batch, up to well past the default budget of 64 queries.
    private static readonly double[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    // A shortlist first stage is a scan of Dim floats per item: tens of microseconds for a small gallery, tens of
    // milliseconds for millions of items.
    private static readonly double[] FirstStageBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private readonly MetricRegistry _registry = new();
    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Histogram _batchRequests;
    private readonly Histogram _batchQueries;
    private readonly Histogram _queueWait;
    private readonly Counter _rejected;
    private readonly CounterSeries _cacheHits;
    private readonly CounterSeries _cacheMisses;
    private readonly Gauge _galleryItems;
    private readonly Histogram _scoringSeconds;
    private readonly Counter _scoredPairs;
    private readonly Counter _searches;
    private readonly Histogram _firstStageSeconds;

    public ServiceMetrics()
    {
        _requests = _registry.CreateCounter("sgraf_http_requests_total", "HTTP requests answered, by route pattern, method and status code.", "route", "method", "status");
        _requestDuration = _registry.CreateHistogram("sgraf_http_request_duration_seconds", "Time from a request entering the pipeline to its answer, by route pattern and method.", LatencyBuckets, "route", "method");

        _batchRequests = _registry.CreateHistogram("sgraf_batch_requests", "Requests gathered into one scoring batch.", BatchSizeBuckets, "direction");
        _batchQueries = _registry.CreateHistogram("sgraf_batch_queries", "Queries (batch weight) in one scoring batch.", BatchSizeBuckets, "direction");
        _queueWait = _registry.CreateHistogram("sgraf_batcher_queue_wait_seconds", "Time a request waited in the batcher's queue before its batch started.", QueueWaitBuckets, "direction");
        _rejected = _registry.CreateCounter("sgraf_batcher_rejected_total", "Requests refused because the batcher's queue was full.", "direction");

        var cacheRequests = _registry.CreateCounter("sgraf_query_cache_requests_total", "Query embedding cache lookups, by result.", "result");
        _cacheHits = cacheRequests.WithLabels("hit");
        _cacheMisses = cacheRequests.WithLabels("miss");

        _galleryItems = _registry.CreateGauge("sgraf_gallery_items", "Items in the gallery, by kind.", "kind");

        _scoringSeconds = _registry.CreateHistogram("sgraf_scoring_seconds", "Time of one exact scoring run (a batch of queries against a gallery segment, or one query's shortlist), by direction and model.", LatencyBuckets, "direction", "model");
        _scoredPairs = _registry.CreateCounter("sgraf_scored_pairs_total", "Query-item pairs scored exactly, by direction and model.", "direction", "model");

        _searches = _registry.CreateCounter("sgraf_searches_total", "Searches answered, by direction and the mode that ran (exact or shortlist).", "direction", "mode");
        _firstStageSeconds = _registry.CreateHistogram("sgraf_shortlist_first_stage_seconds", "Time of one query's shortlist first stage (the scan of shortlist vectors and its top K), by direction.", FirstStageBuckets, "direction");
    }

    /// <summary>
    /// One answered request. <paramref name="route"/> is the matched route pattern, never the raw path, so that the
    /// number of series stays bounded; <see cref="RequestMetrics.UseRequestMetrics"/> calls this for every request.
    /// </summary>
    public void RequestCompleted(string route, string method, int status, TimeSpan duration)
    {
        _requests.WithLabels(route, method, status.ToString(CultureInfo.InvariantCulture)).Inc();
        _requestDuration.WithLabels(route, method).Observe(duration);
    }

    /// <summary>Metrics for the batcher of one <paramref name="direction"/> (e.g. text-to-image), which they carry as a label.</summary>
    public IBatcherMetrics BatcherMetrics(string direction)
    {
        ArgumentNullException.ThrowIfNull(direction);
        return new DirectionBatcherMetrics(
            _batchRequests.WithLabels(direction),
            _batchQueries.WithLabels(direction),
            _queueWait.WithLabels(direction),
            _rejected.WithLabels(direction));
    }

    public void QueryCacheHit() => _cacheHits.Inc();

    public void QueryCacheMiss() => _cacheMisses.Inc();

    /// <summary>
    /// Reads the gallery's size with <paramref name="read"/> at every scrape, so the gauge is never stale.
    /// A later call replaces the reader.
    /// </summary>
    public void ObserveGallerySize(Func<(int Images, int Captions)> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _galleryItems.ObserveAtScrape(gauge =>
        {
            var (images, captions) = read();
            gauge.WithLabels("image").Set(images);
            gauge.WithLabels("caption").Set(captions);
        });
    }

    /// <summary>One scoring run of <paramref name="queries"/> queries against <paramref name="items"/> gallery items.</summary>
    public void ScoringCompleted(string direction, string model, int queries, int items, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        _scoringSeconds.WithLabels(direction, model).Observe(duration);
        _scoredPairs.WithLabels(direction, model).Inc((double)queries * items);
    }

    /// <summary>One search request answered in <paramref name="mode"/> (exact or shortlist, never auto).</summary>
    public void SearchCompleted(string direction, string mode) => _searches.WithLabels(direction, mode).Inc();

    /// <summary>One query's shortlist first stage.</summary>
    public void FirstStageCompleted(string direction, TimeSpan duration) => _firstStageSeconds.WithLabels(direction).Observe(duration);

    /// <summary>The Prometheus text exposition (format 0.0.4) of every metric recorded so far.</summary>
    public string Render() => _registry.Render();
}
