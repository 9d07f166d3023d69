using System.Globalization;
using System.Text.RegularExpressions;

namespace Sgraf.Api.Tests.Observability;

/// <summary>
/// One scrape of <c>GET /metrics</c>, parsed from the text format: samples by name and label set (label order does
/// not matter to Prometheus, so it does not matter here), and each family's <c># TYPE</c>.
/// </summary>
internal sealed partial class Exposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];
    readonly Dictionary<string, string> types = new(StringComparer.Ordinal);

    public Exposition(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types.Add(parts[2], parts[3]);
                continue;
            }
            if (line.StartsWith('#')) continue;
            var sample = SamplePattern().Match(line);
            Assert.True(sample.Success, $"Not a sample line: {line}");
            var labels = LabelPattern().Matches(sample.Groups["labels"].Value)
                .ToDictionary(label => label.Groups[1].Value, label => Unescape(label.Groups[2].Value), StringComparer.Ordinal);
            samples.Add((sample.Groups["name"].Value, labels, ParseValue(sample.Groups["value"].Value)));
        }
    }

    public static async Task<Exposition> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {text}");
        Assert.Equal(ContentType, response.Content.Headers.ContentType?.ToString());
        return new Exposition(text);
    }

    public string Text { get; }

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly these labels.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        Assert.Single(Matching(name, labels)).Value;

    /// <summary>The value, or 0 while the series does not exist yet (a series appears with its first measurement).</summary>
    public double ValueOrZero(string name, params (string Name, string Value)[] labels) =>
        Matching(name, labels).Select(sample => sample.Value).SingleOrDefault();

    public bool Has(string name, params (string Name, string Value)[] labels) => Matching(name, labels).Any();

    public string? TypeOf(string family) => types.GetValueOrDefault(family);

    /// <summary>The label names of every sample of <paramref name="name"/>, sorted.</summary>
    public IEnumerable<string> LabelNamesOf(string name) =>
        samples.Where(sample => sample.Name == name).Select(sample => string.Join(",", sample.Labels.Keys.Order(StringComparer.Ordinal))).Distinct();

    /// <summary>The <c>le</c> values of a histogram series' buckets, as written, in the order written.</summary>
    public IReadOnlyList<string> BucketBounds(string family, params (string Name, string Value)[] labels) =>
        [.. samples.Where(sample => sample.Name == family + "_bucket" && HasExactly(sample.Labels, labels, extra: "le")).Select(sample => sample.Labels["le"])];

    IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Matching(string name, (string Name, string Value)[] labels) =>
        samples.Where(sample => sample.Name == name && HasExactly(sample.Labels, labels, extra: null));

    static bool HasExactly(Dictionary<string, string> actual, (string Name, string Value)[] expected, string? extra) =>
        actual.Count == expected.Length + (extra is null ? 0 : 1)
        && expected.All(label => actual.TryGetValue(label.Name, out var value) && value == label.Value)
        && (extra is null || actual.ContainsKey(extra));

    static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    static string Unescape(string value) => value.Replace("\\n", "\n").Replace("\\\"", "\"").Replace("\\\\", "\\");

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
