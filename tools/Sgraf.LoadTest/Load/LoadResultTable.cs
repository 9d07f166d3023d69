using System.Globalization;

namespace Sgraf.LoadTest.Load;

/// <summary>
/// The table <c>sgraf bench-api</c> prints: one row per measurement, the modes of one client count next to each other.
/// With several modes, each row of another mode than the baseline (exact, where it was measured) has its QPS and p50
/// as a ratio to the baseline's at the same client count.
/// </summary>
internal static class LoadResultTable
{
    /// <summary>The mode the others are compared with: exact if it was measured, else the first; null with one mode only.</summary>
    public static string? Baseline(IReadOnlyList<LoadResult> runs)
    {
        var modes = runs.Select(r => r.ModeName).Distinct().ToArray();
        return modes.Length < 2 ? null : modes.Contains(SearchModes.Exact) ? SearchModes.Exact : modes[0];
    }

    public static string[] Headers(IReadOnlyList<LoadResult> runs)
    {
        string[] headers = ["clients", "mode", "ran", "requests", "QPS", "× first", "queries/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
            "reranked", "rejected", "errors"];
        return Baseline(runs) is { } baseline ? [.. headers, $"QPS ÷ {baseline}", $"p50 ÷ {baseline}"] : headers;
    }

    /// <summary>
    /// Rows in the order the client counts were first measured, and within one count in the order measured. "× first"
    /// is the QPS over that of the same mode's first measurement.
    /// </summary>
    public static List<string[]> Rows(IReadOnlyList<LoadResult> runs)
    {
        var baseline = Baseline(runs);
        var rows = new List<string[]>();
        foreach (var group in runs.GroupBy(r => r.Clients))
            foreach (var run in group)
            {
                var first = runs.First(r => r.ModeName == run.ModeName);
                var latency = run.LatencyMs;
                string[] row =
                [
                    Number(run.Clients, "0"), run.ModeName, run.RanName, Number(run.Requests, "0"), Number(run.RequestsPerSecond, "0.0"),
                    Number(run.RequestsPerSecond / first.RequestsPerSecond, "0.00"), Number(run.QueriesPerSecond, "0.0"),
                    Number(latency?.P50, "0.0"), Number(latency?.P95, "0.0"), Number(latency?.P99, "0.0"), Number(latency?.Max, "0.0"),
                    Number(run.MeanReranked, "0.#"), Number(run.Rejected, "0"), Number(run.Errors, "0"),
                ];
                if (baseline is not null)
                {
                    // Blank on the baseline's own rows, and where the baseline was not measured at this client count.
                    var reference = run.ModeName == baseline ? null : group.FirstOrDefault(r => r.ModeName == baseline);
                    row = reference is null
                        ? [.. row, "", ""]
                        : [.. row, Ratio(run.RequestsPerSecond, reference.RequestsPerSecond), Ratio(latency?.P50, reference.LatencyMs?.P50)];
                }
                rows.Add(row);
            }
        return rows;
    }

    /// <summary>value ÷ baseline as "0.00×"; "–" where either is missing or the baseline is 0.</summary>
    internal static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? Number(v / b, "0.00") + "×" : "–";

    internal static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}
