using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// Exact scoring runs, by direction and model: <c>sgraf_scoring_seconds</c> and <c>sgraf_scored_pairs_total</c>.
/// </summary>
public sealed class ScoringMetrics
{
    readonly Histogram<double> seconds;
    readonly Counter<long> pairs;

    public ScoringMetrics(IMeterFactory meterFactory)
    {
        var meter = SgrafMeter.Create(meterFactory);
        seconds = meter.CreateHistogram("scoring_seconds", "s",
            "Time of one exact scoring run (a batch of queries against a gallery segment, or one query's shortlist), by direction and model.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Latency });
        pairs = meter.CreateCounter<long>("scored_pairs_total", "{pair}", "Query-item pairs scored exactly, by direction and model.");
    }

    /// <summary>One scoring run of <paramref name="queries"/> queries against <paramref name="items"/> gallery items.</summary>
    public void ScoringCompleted(string direction, string model, int queries, int items, TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        var directionTag = new KeyValuePair<string, object?>("direction", direction);
        var modelTag = new KeyValuePair<string, object?>("model", model);
        seconds.Record(elapsed.TotalSeconds, directionTag, modelTag);
        // In long: a large gallery times a batch of queries passes the int range.
        pairs.Add((long)queries * items, directionTag, modelTag);
    }
}
