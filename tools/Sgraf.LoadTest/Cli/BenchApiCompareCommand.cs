using System.CommandLine;
using System.Text;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.LoadTest.Load;
using Sgraf.Inference.Json;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// <c>sgraf bench-api-compare</c>: the results of <c>sgraf bench-api --json</c> runs side by side, per gallery size and
/// client count, with the ratio other ÷ baseline, as a Markdown table. It compares two labels (batching off and on,
/// say) or two search modes (exact and shortlist, which one run of bench-api can measure); results written before
/// bench-api had modes are mode "default".
/// </summary>
internal static class BenchApiCompareCommand
{
    public const string ByLabel = "label";
    public const string ByMode = "mode";

    /// <summary>Compare <paramref name="Other"/> with <paramref name="Baseline"/>, two labels or two modes as <paramref name="By"/> says.</summary>
    internal sealed record Comparison(string By, string Baseline, string Other);

    public static Command Create()
    {
        var files = new Argument<string[]>("results") { Description = "bench-api --json files", Arity = ArgumentArity.OneOrMore };
        var by = new Option<string?>("--by")
        {
            Description = "What to compare: label (--label of each run; the first label met is the baseline) or mode (the search modes; " +
                          "exact is the baseline where it was measured). Default: label when the files have two or more labels, else mode",
        };
        by.AcceptOnlyFromAmong(ByLabel, ByMode);
        var pair = new Option<string?>("--pair")
        {
            Description = "BASELINE,OTHER: the two labels or modes to compare; default: the baseline against each of the others",
        };
        var command = new Command("bench-api-compare", "Compare bench-api results of two labels or two search modes: QPS and p50/p99 latency, with ratios")
        {
            files, by, pair,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(files)!, parse.GetValue(by), parse.GetValue(pair))));
        return command;
    }

    static int Run(string[] paths, string? by, string? pair)
    {
        var reports = paths.Select(Read).ToArray();
        var comparisons = Choose(reports, by, pair);
        foreach (var comparison in comparisons)
        {
            if (comparisons.Count > 1) Console.WriteLine($"{comparison.Other} vs {comparison.Baseline}:\n");
            Console.Write(Table(reports, comparison));
            if (comparisons.Count > 1) Console.WriteLine();
        }
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
            throw InvalidInputException.InFile(path, $"is not bench-api --json output ({JsonReadError.From(e, typeof(BenchApiReport), BenchServiceClient.Json)})");
        }
    }

    /// <summary>
    /// What to compare: by <paramref name="by"/> (default: labels when there are two or more, else modes), the
    /// <paramref name="pair"/> "BASELINE,OTHER" if given, else the baseline (the first label met; mode exact, or the
    /// first mode met) against each other value.
    /// </summary>
    internal static IReadOnlyList<Comparison> Choose(IReadOnlyList<BenchApiReport> reports, string? by, string? pair)
    {
        by ??= Values(reports, ByLabel).Length >= 2 ? ByLabel : ByMode;
        var values = Values(reports, by);
        var what = by == ByLabel ? "labels (bench-api --label)" : "modes (bench-api --modes)";
        if (pair is not null)
        {
            var two = pair.Split(',', StringSplitOptions.TrimEntries);
            if (two.Length != 2 || two[0] == two[1])
                throw new InvalidInputException($"--pair: give two different {by}s as BASELINE,OTHER, got '{pair}'");
            foreach (var value in two)
                if (!values.Contains(value))
                    throw new InvalidInputException($"--pair: no results of {by} '{value}'; the {what} are {List(values)}");
            return [new Comparison(by, two[0], two[1])];
        }
        if (values.Length < 2)
            throw new InvalidInputException($"give results of at least two {what}, got {values.Length}: {List(values)}");
        var baseline = by == ByMode && values.Contains(SearchModes.Exact) ? SearchModes.Exact : values[0];
        return values.Where(v => v != baseline).Select(other => new Comparison(by, baseline, other)).ToArray();
    }

    /// <summary>The labels or modes of the results, in the order met.</summary>
    static string[] Values(IReadOnlyList<BenchApiReport> reports, string by) =>
        Flatten(reports).Select(r => r.Key(by)).Distinct().ToArray();

    static string List(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));

    /// <summary>One measurement with what tells it apart.</summary>
    sealed record Measured(string Label, string Mode, int Images, LoadResult Run)
    {
        /// <summary>The side it is on: its label or its mode.</summary>
        public string Key(string by) => by == ByLabel ? Label : Mode;

        /// <summary>The other of the two: rows compare the sides within one mode (comparing labels) or one label (comparing modes).</summary>
        public string Within(string by) => by == ByLabel ? Mode : Label;
    }

    static IEnumerable<Measured> Flatten(IReadOnlyList<BenchApiReport> reports) =>
        reports.SelectMany(r => r.Runs.Select(run => new Measured(r.Label ?? "", run.ModeName, r.Images, run)));

    /// <summary>
    /// One row per gallery size, client count and, where they differ, mode (comparing labels) or label (comparing
    /// modes) that both sides measured. Where a side has several runs (rounds of the script, interleaved so that a change
    /// in the machine's load hits both sides), each figure is their median.
    /// </summary>
    internal static string Table(IReadOnlyList<BenchApiReport> reports, Comparison comparison)
    {
        var (by, baseline, other) = comparison;
        var runs = Flatten(reports).Where(r => r.Key(by) == baseline || r.Key(by) == other).ToArray();
        var withinValues = runs.Select(r => r.Within(by)).Distinct().ToList();
        bool withinColumn = withinValues.Count > 1;
        bool reranked = runs.Any(r => r.Run.MeanReranked is not null);

        var rows = new StringBuilder();
        var withinHeader = withinColumn ? (by == ByLabel ? " mode |" : " label |") : "";
        var rerankedHeader = reranked ? $" reranked {baseline} / {other} |" : "";
        rows.AppendLine($"| images | clients |{withinHeader} QPS {baseline} | QPS {other} | QPS ratio | p50 ms {baseline} | p50 ms {other} | p50 ratio | " +
                        $"p99 ms {baseline} | p99 ms {other} | p99 ratio |{rerankedHeader} rejected + errors {baseline} / {other} |");
        rows.AppendLine("| ---: | ---: |" + (withinColumn ? " --- |" : "") + " ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" +
                        (reranked ? " ---: |" : "") + " ---: |");
        int mostRounds = 1;
        var keys = runs.Select(r => (r.Images, r.Run.Clients, Within: r.Within(by))).Distinct()
            .OrderBy(k => k.Images).ThenBy(k => k.Clients).ThenBy(k => withinValues.IndexOf(k.Within));
        foreach (var key in keys)
        {
            LoadResult[] Find(string value) => runs
                .Where(r => r.Key(by) == value && r.Images == key.Images && r.Run.Clients == key.Clients && r.Within(by) == key.Within)
                .Select(r => r.Run).ToArray();
            var (a, b) = (Find(baseline), Find(other));
            if (a.Length == 0 || b.Length == 0) continue;
            mostRounds = Math.Max(mostRounds, Math.Max(a.Length, b.Length));
            var (qpsA, qpsB) = (Median(a.Select(r => (double?)r.RequestsPerSecond)), Median(b.Select(r => (double?)r.RequestsPerSecond)));
            var (p50A, p50B) = (Median(a.Select(r => r.LatencyMs?.P50)), Median(b.Select(r => r.LatencyMs?.P50)));
            var (p99A, p99B) = (Median(a.Select(r => r.LatencyMs?.P99)), Median(b.Select(r => r.LatencyMs?.P99)));
            var cells = new List<object> { $"| {key.Images}", key.Clients };
            if (withinColumn) cells.Add(key.Within);
            cells.AddRange([
                Number(qpsA, "0.0"), Number(qpsB, "0.0"), Ratio(qpsB, qpsA),
                Number(p50A, "0.0"), Number(p50B, "0.0"), Ratio(p50B, p50A),
                Number(p99A, "0.0"), Number(p99B, "0.0"), Ratio(p99B, p99A),
            ]);
            if (reranked)
                cells.Add($"{Number(Median(a.Select(r => r.MeanReranked)), "0.#")} / {Number(Median(b.Select(r => r.MeanReranked)), "0.#")}");
            cells.Add($"{a.Sum(r => r.Rejected + r.Errors)} / {b.Sum(r => r.Rejected + r.Errors)} |");
            rows.AppendLine(string.Join(" | ", cells));
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

    static string Ratio(double? value, double? baseline) => LoadResultTable.Ratio(value, baseline);

    static string Number(double? value, string format) => LoadResultTable.Number(value, format);
}
