using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.Training.LoadTesting;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf bench-api-compare</c>: the results of <c>sgraf bench-api --json</c> runs under two labels (batching off and
/// on, say), side by side per gallery size and client count, with the ratio second ÷ first, as a Markdown table.
/// </summary>
internal static class BenchApiCompareCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("results") { Description = "bench-api --json files; the first label met is the baseline", Arity = ArgumentArity.OneOrMore };
        var command = new Command("bench-api-compare", "Compare bench-api results of two labels: QPS and p50/p99 latency, with ratios") { files };
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(files)!)));
        return command;
    }

    static int Run(string[] paths)
    {
        var reports = paths.Select(Read).ToArray();
        var labels = reports.Select(r => r.Label ?? "").Distinct().ToArray();
        if (labels.Length != 2)
            throw new InvalidInputException($"give results of exactly two labels (bench-api --label), got {labels.Length}: {string.Join(", ", labels.Select(l => $"'{l}'"))}");
        Console.Write(Table(reports, labels[0], labels[1]));
        return CommandRunner.Success;
    }

    static BenchApiReport Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<BenchApiReport>(File.ReadAllText(path), BenchServiceClient.Json)
                ?? throw InvalidInputException.InFile(path, "holds null, not bench-api results");
        }
        catch (JsonException e)
        {
            throw InvalidInputException.InFile(path, $"is not bench-api --json output ({e.Message})");
        }
    }

    /// <summary>
    /// One row per gallery size and client count that both labels measured. Where a label has several runs (rounds of
    /// the script, interleaved so that a change in the machine's load hits both labels), each figure is their median.
    /// </summary>
    internal static string Table(IReadOnlyList<BenchApiReport> reports, string baseline, string other)
    {
        var rows = new System.Text.StringBuilder();
        rows.AppendLine($"| images | clients | QPS {baseline} | QPS {other} | QPS ratio | p50 ms {baseline} | p50 ms {other} | p50 ratio | " +
                        $"p99 ms {baseline} | p99 ms {other} | p99 ratio | rejected + errors {baseline} / {other} |");
        rows.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var runs = reports.SelectMany(r => r.Runs.Select(run => (Label: r.Label ?? "", r.Images, Run: run))).ToArray();
        int mostRounds = 1;
        foreach (var key in runs.Select(r => (r.Images, r.Run.Clients)).Distinct().Order())
        {
            LoadResult[] Find(string label) =>
                runs.Where(r => r.Label == label && r.Images == key.Images && r.Run.Clients == key.Clients).Select(r => r.Run).ToArray();
            var (a, b) = (Find(baseline), Find(other));
            if (a.Length == 0 || b.Length == 0) continue;
            mostRounds = Math.Max(mostRounds, Math.Max(a.Length, b.Length));
            var (qpsA, qpsB) = (Median(a.Select(r => r.RequestsPerSecond)), Median(b.Select(r => r.RequestsPerSecond)));
            var (p50A, p50B) = (Median(a.Select(r => r.LatencyMs?.P50)), Median(b.Select(r => r.LatencyMs?.P50)));
            var (p99A, p99B) = (Median(a.Select(r => r.LatencyMs?.P99)), Median(b.Select(r => r.LatencyMs?.P99)));
            rows.AppendLine(string.Join(" | ",
                $"| {key.Images}", key.Clients,
                Number(qpsA, "0.0"), Number(qpsB, "0.0"), Ratio(qpsB, qpsA),
                Number(p50A, "0.0"), Number(p50B, "0.0"), Ratio(p50B, p50A),
                Number(p99A, "0.0"), Number(p99B, "0.0"), Ratio(p99B, p99A),
                $"{a.Sum(r => r.Rejected + r.Errors)} / {b.Sum(r => r.Rejected + r.Errors)} |"));
        }
        if (mostRounds > 1) rows.AppendLine($"\n(medians of up to {mostRounds} runs per cell; rejected + errors are totals)");
        return rows.ToString();
    }

    /// <summary>The middle value, or the mean of the two middle ones; null when no run has the figure.</summary>
    internal static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToArray();
        if (sorted.Length == 0) return null;
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static double? Median(IEnumerable<double> values) => Median(values.Select(v => (double?)v));

    static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? Number(v / b, "0.00") + "×" : "–";

    static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}
