using System.Collections.Concurrent;
using System.Text;

namespace Sgraf.Api.Observability;

/// <summary>
/// The metric families of one process, and their text exposition (Prometheus format 0.0.4) sorted by metric name
/// and then by label values, so the same state always renders the same text.
/// </summary>
public sealed class MetricRegistry
{
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    public Counter CreateCounter(string name, string help, params IReadOnlyList<string> labelNames) =>
        Register(new Counter(name, help, labelNames));

    public Gauge CreateGauge(string name, string help, params IReadOnlyList<string> labelNames) =>
        Register(new Gauge(name, help, labelNames));

    /// <summary>A histogram over <paramref name="upperBounds"/>, finite and increasing; the +Inf bucket is added.</summary>
    public Histogram CreateHistogram(string name, string help, IReadOnlyList<double> upperBounds, params IReadOnlyList<string> labelNames) =>
        Register(new Histogram(name, help, upperBounds, labelNames));

    public string Render()
    {
        var families = _families.Values.OrderBy(family => family.Name, StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var family in families)
            family.Render(text);
        return text.ToString();
    }

    private T Register<T>(T family)
        where T : MetricFamily
    {
        if (!_families.TryAdd(family.Name, family))
            throw new InvalidOperationException($"A metric named '{family.Name}' is already registered.");
        return family;
    }
}
