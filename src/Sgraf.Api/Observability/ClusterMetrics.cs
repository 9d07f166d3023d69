using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// A sharded service's shape, read at each scrape: <c>sgraf_cluster_shards{state="ready"|"unavailable"}</c> and
/// <c>sgraf_cluster_silos</c> (active silos), as this silo last saw them.
/// </summary>
public sealed class ClusterMetrics
{
    volatile Func<(int Ready, int Unavailable, int Silos)>? read;

    public ClusterMetrics(IMeterFactory meterFactory)
    {
        var meter = SgrafMeter.Create(meterFactory);
        meter.CreateObservableGauge("cluster_shards", ObserveShards, "{shard}", "Shards of the gallery by state, as this silo last saw them.");
        meter.CreateObservableGauge("cluster_silos", ObserveSilos, "{silo}", "Active silos of the cluster.");
    }

    public void ReadFrom(Func<(int Ready, int Unavailable, int Silos)> reader) => read = reader;

    IEnumerable<Measurement<int>> ObserveShards()
    {
        if (read is not { } reader) return [];
        var (ready, unavailable, _) = reader();
        return [new(ready, new KeyValuePair<string, object?>("state", "ready")), new(unavailable, new KeyValuePair<string, object?>("state", "unavailable"))];
    }

    IEnumerable<Measurement<int>> ObserveSilos() => read is { } reader ? [new(reader().Silos)] : [];
}
