using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>Query embedding cache lookups: <c>sgraf_query_cache_requests_total{result="hit"|"miss"}</c>.</summary>
public sealed class QueryCacheMetrics(IMeterFactory meterFactory)
{
    readonly Counter<long> lookups = SgrafMeter.Create(meterFactory).CreateCounter<long>(
        "query_cache_requests_total", "{lookup}", "Query embedding cache lookups, by result.");

    // Nothing is recorded for zero, so a result's series appears with its first lookup, as it always has.
    public void Hits(int count)
    {
        if (count > 0) lookups.Add(count, new KeyValuePair<string, object?>("result", "hit"));
    }

    public void Misses(int count)
    {
        if (count > 0) lookups.Add(count, new KeyValuePair<string, object?>("result", "miss"));
    }
}
