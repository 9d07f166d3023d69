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

    /// <summary>One row per gallery size and client count that both labels measured; "–" where a figure is missing.</summary>
    internal static string Table(IReadOnlyList<BenchApiReport> reports, string baseline, string other)
    {
        var rows = new System.Text.StringBuilder();
        rows.AppendLine($"| images | clients | QPS {baseline} | QPS {other} | QPS ratio | p50 ms {baseline} | p50 ms {other} | p50 ratio | " +
                        $"p99 ms {baseline} | p99 ms {other} | p99 ratio | rejected + errors {baseline} / {other} |");
        rows.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var runs = reports.SelectMany(r => r.Runs.Select(run => (Label: r.Label ?? "", r.Images, Run: run))).ToArray();
        foreach (var key in runs.Select(r => (r.Images, r.Run.Clients)).Distinct().Order())
        {
            LoadResult? Find(string label) =>
                runs.LastOrDefault(r => r.Label == label && r.Images == key.Images && r.Run.Clients == key.Clients).Run;
            var (a, b) = (Find(baseline), Find(other));
            if (a is null || b is null) continue;
            rows.AppendLine(string.Join(" | ",
                $"| {key.Images}", key.Clients,
                Number(a.RequestsPerSecond, "0.0"), Number(b.RequestsPerSecond, "0.0"), Ratio(b.RequestsPerSecond, a.RequestsPerSecond),
                Number(a.LatencyMs?.P50, "0.0"), Number(b.LatencyMs?.P50, "0.0"), Ratio(b.LatencyMs?.P50, a.LatencyMs?.P50),
                Number(a.LatencyMs?.P99, "0.0"), Number(b.LatencyMs?.P99, "0.0"), Ratio(b.LatencyMs?.P99, a.LatencyMs?.P99),
                $"{a.Rejected + a.Errors} / {b.Rejected + b.Errors} |"));
        }
        return rows.ToString();
    }

    static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? Number(v / b, "0.00") + "×" : "–";

    static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}
