using System.Text;

namespace Sgraf.Api.Observability;

/// <summary>
/// A distribution of observed values (latencies, batch sizes) over fixed buckets, written as Prometheus expects:
/// cumulative <c>_bucket{le="…"}</c> lines ending with <c>le="+Inf"</c>, then <c>_sum</c> and <c>_count</c>.
/// </summary>
public sealed class Histogram : MetricFamily<HistogramSeries>
{
    private readonly double[] _upperBounds;

    internal Histogram(string name, string help, IReadOnlyList<double> upperBounds, IReadOnlyList<string> labelNames)
        : base(name, help, "histogram", labelNames)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        if (labelNames.Contains("le", StringComparer.Ordinal))
            throw new ArgumentException($"Histogram '{name}' may not have a label 'le': it names the buckets.", nameof(labelNames));

        // The +Inf bucket is always written; a caller may list it or not.
        _upperBounds = [.. upperBounds.Where(bound => !double.IsPositiveInfinity(bound))];
        if (_upperBounds.Length == 0)
            throw new ArgumentException($"Histogram '{name}' needs at least one finite bucket bound.", nameof(upperBounds));
        for (var i = 0; i < _upperBounds.Length; i++)
        {
            if (!double.IsFinite(_upperBounds[i]) || (i > 0 && !(_upperBounds[i] > _upperBounds[i - 1])))
                throw new ArgumentException($"Histogram '{name}' needs finite, strictly increasing bucket bounds, but has {string.Join(", ", upperBounds)}.", nameof(upperBounds));
        }
    }

    /// <summary>The finite upper bounds, ascending; every histogram also has the implicit +Inf bucket.</summary>
    public IReadOnlyList<double> UpperBounds => _upperBounds;

    private protected override HistogramSeries CreateSeries() => new(_upperBounds);

    private protected override void RenderSeries(StringBuilder text, string[] labelValues, HistogramSeries series)
    {
        var (bucketCounts, sum) = series.Snapshot();
        var bucketName = Name + "_bucket";
        long cumulative = 0;
        for (var i = 0; i < _upperBounds.Length; i++)
        {
            cumulative += bucketCounts[i];
            AppendSample(text, bucketName, labelValues, cumulative, "le", PrometheusText.FormatNumber(_upperBounds[i]));
        }
        cumulative += bucketCounts[^1];
        AppendSample(text, bucketName, labelValues, cumulative, "le", "+Inf");
        AppendSample(text, Name + "_sum", labelValues, sum);
        AppendSample(text, Name + "_count", labelValues, cumulative);
    }
}
