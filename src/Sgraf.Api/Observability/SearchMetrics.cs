using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// Searches answered, by direction and the mode that ran (<c>sgraf_searches_total</c>), and each query's shortlist
/// first stage (<c>sgraf_shortlist_first_stage_seconds</c>).
/// </summary>
public sealed class SearchMetrics
{
    readonly Counter<long> searches;
    readonly Histogram<double> firstStageSeconds;

    public SearchMetrics(IMeterFactory meterFactory)
    {
        var meter = SgrafMeter.Create(meterFactory);
        searches = meter.CreateCounter<long>("searches_total", "{search}", "Searches answered, by direction and the mode that ran (exact or shortlist).");
        firstStageSeconds = meter.CreateHistogram("shortlist_first_stage_seconds", "s",
            "Time of one query's shortlist first stage (the scan of shortlist vectors and its top K), by direction.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.FirstStage });
    }

    /// <summary>One search request answered in <paramref name="mode"/> (exact or shortlist, never auto).</summary>
    public void SearchCompleted(string direction, string mode) =>
        searches.Add(1, new KeyValuePair<string, object?>("direction", direction), new KeyValuePair<string, object?>("mode", mode));

    /// <summary>One query's shortlist first stage.</summary>
    public void FirstStageCompleted(string direction, TimeSpan elapsed) =>
        firstStageSeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("direction", direction));
}
