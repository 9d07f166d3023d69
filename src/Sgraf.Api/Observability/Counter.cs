using System.Text;

namespace Sgraf.Api.Observability;

/// <summary>A value that only goes up (requests served, pairs scored); Prometheus derives rates from it.</summary>
public sealed class Counter : MetricFamily<CounterSeries>
{
    internal Counter(string name, string help, IReadOnlyList<string> labelNames)
        : base(name, help, "counter", labelNames)
    {
    }

    private protected override CounterSeries CreateSeries() => new();

    private protected override void RenderSeries(StringBuilder text, string[] labelValues, CounterSeries series) =>
        AppendSample(text, Name, labelValues, series.Value);
}
