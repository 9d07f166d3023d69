using System.Globalization;
using System.Text.Json.Nodes;
using Sgraf.Inference;

namespace Sgraf.Training.Evaluation;

/// <summary>
/// Checks an evaluation's JSON against figures published earlier (<c>sgraf evaluate --expect FILE</c>): every number
/// in the expected file must be in the new report, at the same path, with the same value. The same features through
/// the same model give the same ranks, so the figures are compared exactly (up to the last bits of a double's text
/// round trip); fields only the new report has are ignored. Hand-written: the JSON diff package served here
/// (JsonDiffPatch.Net) diffs Newtonsoft trees into patches, not figures into "path: expected X, got Y" lines.
/// </summary>
public static class ExpectedResults
{
    /// <summary>Absorbs a double's shortest-text round trip, nothing more: a rank moved by one changes a figure by far more.</summary>
    const double Tolerance = 1e-9;

    /// <returns>Each difference as "path: expected X, got Y"; empty when every expected figure was reproduced.</returns>
    public static IReadOnlyList<string> Differences(JsonNode expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "", differences);
        return differences;
    }

    /// <summary>The expected report at <paramref name="path"/>, read before the evaluation so that a bad file fails at once.</summary>
    public static JsonObject Read(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "--expect: file not found");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw InvalidInputException.InFile(path, "--expect: not an evaluation report (a JSON object)");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw InvalidInputException.InFile(path, $"--expect: not JSON ({e.Message})");
        }
    }

    /// <summary>How many figures (numbers) <paramref name="expected"/> holds.</summary>
    public static int FigureCount(JsonNode? expected) => expected switch
    {
        JsonObject fields => fields.Sum(field => FigureCount(field.Value)),
        JsonArray items => items.Sum(FigureCount),
        JsonValue value when Number(value) is not null => 1,
        _ => 0,
    };

    static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case JsonObject fields:
                foreach (var (name, value) in fields)
                    Compare(value, actual is JsonObject o && o.TryGetPropertyValue(name, out var a) ? a : null, Join(path, name), differences);
                break;
            case JsonArray items:
                for (int i = 0; i < items.Count; i++)
                    Compare(items[i], actual is JsonArray array && i < array.Count ? array[i] : null, $"{path}[{i}]", differences);
                break;
            case JsonValue value when Number(value) is { } number:
                if (Number(actual) is not { } actualNumber)
                    differences.Add($"{path}: expected {Text(number)}, the new report has no number there");
                else if (Math.Abs(number - actualNumber) > Tolerance * Math.Max(1, Math.Abs(number)))
                    differences.Add($"{path}: expected {Text(number)}, got {Text(actualNumber)}");
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                    differences.Add($"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "nothing"}");
                break;
        }
    }

    /// <summary>A JSON number as a double, whether it was parsed from text or set from an int in code.</summary>
    static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture)
            : null;

    static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
