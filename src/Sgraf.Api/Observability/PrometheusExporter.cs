using System.Diagnostics.Metrics;
using Prometheus;

namespace Sgraf.Api.Observability;

/// <summary>
/// Publishes this service provider's <see cref="SgrafMeter"/> instruments, and nothing else, to a prometheus-net
/// registry of its own, which <c>GET /metrics</c> serves. A registry per provider rather than prometheus-net's static
/// default one (<c>Metrics.ConfigureMeterAdapter</c>), so that hosts sharing a process (the tests) keep their counts
/// apart, and the default registry's process and runtime collectors do not add series the service never had.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    // The adapter unpublishes a series not updated for this long (its default is 5 minutes), and it starts again from
    // zero when next recorded; our own exposition kept every series for the life of the process. One day is the
    // longest prometheus-net allows.
    static readonly TimeSpan KeepIdleSeriesFor = TimeSpan.FromDays(1);

    readonly IDisposable adapter;

    public PrometheusExporter(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // The adapter creates its metrics with this factory when one is set, and the default is the static registry's.
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == SgrafMeter.Name && ReferenceEquals(instrument.Meter.Scope, meterFactory),
            ResolveHistogramBuckets = BucketsOf,
            MetricsExpireAfter = KeepIdleSeriesFor,
        });
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>The bounds each histogram was created with (<see cref="HistogramBuckets"/>), which the adapter does not read itself.</summary>
    internal static double[] BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(bound => (double)bound)],
        _ => throw new InvalidOperationException($"Histogram '{instrument.Name}' has no bucket boundaries: give them as InstrumentAdvice where it is created."),
    };

    public void Dispose() => adapter.Dispose();
}
