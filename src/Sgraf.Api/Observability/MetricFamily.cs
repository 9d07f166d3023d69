using System.Collections.Concurrent;
using System.Text;

namespace Sgraf.Api.Observability;

/// <summary>
/// A named metric and its help text, label names and type; written to the exposition by <see cref="MetricRegistry"/>.
/// </summary>
public abstract class MetricFamily
{
    private protected MetricFamily(string name, string help, string type, IReadOnlyList<string> labelNames)
    {
        PrometheusText.ValidateMetricName(name);
        ArgumentNullException.ThrowIfNull(help);
        ArgumentNullException.ThrowIfNull(labelNames);
        foreach (var labelName in labelNames)
            PrometheusText.ValidateLabelName(labelName);
        if (labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Count)
            throw new ArgumentException($"Metric '{name}' names a label twice: {string.Join(", ", labelNames)}.", nameof(labelNames));

        Name = name;
        Help = help;
        Type = type;
        LabelNames = [.. labelNames];
    }

    public string Name { get; }
    public string Help { get; }

    /// <summary>The word on the <c># TYPE</c> line: counter, gauge or histogram.</summary>
    public string Type { get; }

    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Appends HELP, TYPE and every sample; nothing at all while no series has been created.</summary>
    internal abstract void Render(StringBuilder text);
}

/// <summary>
/// A metric family whose series, one per combination of label values, are created on first use and live as long
/// as the family. Recording is lock-free: a series is looked up in a concurrent dictionary and updated with
/// <see cref="Interlocked"/> operations.
/// </summary>
public abstract class MetricFamily<TSeries> : MetricFamily
    where TSeries : class
{
    private readonly ConcurrentDictionary<string[], TSeries> _series = new(LabelValuesComparer.Instance);
    private readonly ConcurrentDictionary<string[], TSeries>.AlternateLookup<ReadOnlySpan<string>> _seriesBySpan;

    private protected MetricFamily(string name, string help, string type, IReadOnlyList<string> labelNames)
        : base(name, help, type, labelNames)
    {
        _seriesBySpan = _series.GetAlternateLookup<ReadOnlySpan<string>>();
    }

    /// <summary>
    /// The series for these label values, in the order of <see cref="MetricFamily.LabelNames"/>. Callers on a hot
    /// path with fixed values may keep the returned series instead of looking it up each time.
    /// </summary>
    public TSeries WithLabels(params ReadOnlySpan<string> labelValues)
    {
        if (_seriesBySpan.TryGetValue(labelValues, out var existing))
            return existing;

        if (labelValues.Length != LabelNames.Count)
            throw new ArgumentException($"Metric '{Name}' has {LabelNames.Count} labels ({string.Join(", ", LabelNames)}) but was given {labelValues.Length} values.", nameof(labelValues));
        foreach (var value in labelValues)
        {
            if (value is null)
                throw new ArgumentNullException(nameof(labelValues), $"Metric '{Name}' was given a null label value.");
        }
        return _series.GetOrAdd(labelValues.ToArray(), _ => CreateSeries());
    }

    private protected abstract TSeries CreateSeries();

    private protected abstract void RenderSeries(StringBuilder text, string[] labelValues, TSeries series);

    internal override void Render(StringBuilder text)
    {
        var snapshot = _series.ToArray();
        if (snapshot.Length == 0)
            return;
        Array.Sort(snapshot, (x, y) => LabelValuesComparer.Instance.Compare(x.Key, y.Key));

        text.Append("# HELP ").Append(Name).Append(' ');
        PrometheusText.AppendHelp(text, Help);
        text.Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var (labelValues, series) in snapshot)
            RenderSeries(text, labelValues, series);
    }

    /// <summary>Appends one line: <c>name{labels} value</c>, with an optional extra label last (a histogram's <c>le</c>).</summary>
    private protected void AppendSample(StringBuilder text, string sampleName, string[] labelValues, double value, string? extraLabelName = null, string? extraLabelValue = null)
    {
        text.Append(sampleName);
        PrometheusText.AppendLabels(text, LabelNames, labelValues, extraLabelName, extraLabelValue);
        text.Append(' ').Append(PrometheusText.FormatNumber(value)).Append('\n');
    }
}
