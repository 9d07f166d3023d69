using System.Text;

namespace Sgraf.Api.Observability;

/// <summary>
/// A value that goes up and down (items in the gallery). Either set by the code that changes it, or read from its
/// source at each scrape through <see cref="ObserveAtScrape"/>.
/// </summary>
public sealed class Gauge : MetricFamily<GaugeSeries>
{
    private volatile Action<Gauge>? _observe;

    internal Gauge(string name, string help, IReadOnlyList<string> labelNames)
        : base(name, help, "gauge", labelNames)
    {
    }

    /// <summary>
    /// Runs <paramref name="observe"/> at every scrape, before the samples are written, to set this gauge's series
    /// from their source; one call can set several series from one consistent read. Replaces an earlier observer.
    /// Exceptions it throws fail the scrape rather than publish stale values.
    /// </summary>
    public void ObserveAtScrape(Action<Gauge> observe)
    {
        ArgumentNullException.ThrowIfNull(observe);
        _observe = observe;
    }

    private protected override GaugeSeries CreateSeries() => new();

    internal override void Render(StringBuilder text)
    {
        _observe?.Invoke(this);
        base.Render(text);
    }

    private protected override void RenderSeries(StringBuilder text, string[] labelValues, GaugeSeries series) =>
        AppendSample(text, Name, labelValues, series.Value);
}
