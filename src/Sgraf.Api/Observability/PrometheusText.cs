using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Sgraf.Api.Observability;

/// <summary>
/// The lexical rules of the Prometheus text exposition format 0.0.4: valid names, escaping, number spelling.
/// </summary>
internal static partial class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricNamePattern();

    // Label names may not contain colons; names starting with "__" are reserved for Prometheus itself.
    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelNamePattern();

    public static void ValidateMetricName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!MetricNamePattern().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid metric name: it must match [a-zA-Z_:][a-zA-Z0-9_:]*.", nameof(name));
    }

    public static void ValidateLabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!LabelNamePattern().IsMatch(name) || name.StartsWith("__", StringComparison.Ordinal))
            throw new ArgumentException($"'{name}' is not a valid label name: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__'.", nameof(name));
    }

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    public static void AppendHelp(StringBuilder text, string help)
    {
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>Label values also escape the double quote that delimits them.</summary>
    public static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>Shortest round-trip spelling, with the infinities and NaN as Prometheus writes them.</summary>
    public static string FormatNumber(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Appends <c>{a="x",b="y"}</c>, or nothing when there are no labels.</summary>
    public static void AppendLabels(StringBuilder text, IReadOnlyList<string> names, IReadOnlyList<string> values, string? extraName = null, string? extraValue = null)
    {
        if (names.Count == 0 && extraName is null)
            return;
        text.Append('{');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
                text.Append(',');
            AppendLabel(text, names[i], values[i]);
        }
        if (extraName is not null)
        {
            if (names.Count > 0)
                text.Append(',');
            AppendLabel(text, extraName, extraValue ?? "");
        }
        text.Append('}');
    }

    private static void AppendLabel(StringBuilder text, string name, string value)
    {
        text.Append(name).Append("=\"");
        AppendLabelValue(text, value);
        text.Append('"');
    }
}
