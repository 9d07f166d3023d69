namespace Sgraf.Api.Observability;

/// <summary>
/// Bucket upper bounds of the service's histograms, given to each as <c>InstrumentAdvice</c> where it is created;
/// <see cref="PrometheusExporter"/> writes exactly these (plus <c>+Inf</c>).
/// </summary>
internal static class HistogramBuckets
{
    /// <summary>Request and scoring latencies: 1 ms to 10 s in alternating x2.5 and x2 steps, as the Prometheus clients' defaults.</summary>
    public static readonly double[] Latency = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>A batch's first request waits MaxWait (2 ms by default) for company; later ones less, unless the worker is busy.</summary>
    public static readonly double[] QueueWait = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    /// <summary>Requests or queries per batch, up to well past the default budget of 64 queries.</summary>
    public static readonly double[] BatchSize = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    /// <summary>
    /// A shortlist first stage is a scan of Dim floats per item: tens of microseconds for a small gallery, tens of
    /// milliseconds for millions of items.
    /// </summary>
    public static readonly double[] FirstStage = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    /// <summary>
    /// A search's estimated cost in units (Search/SearchCost.cs): one ordinary query against a small gallery is thousands,
    /// 64 long queries against a large one hundreds of millions.
    /// </summary>
    public static readonly double[] Cost = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7, 3e7, 1e8, 3e8];
}
