using Sgraf.Inference;
using Sgraf.LoadTest.Cli;
using Sgraf.LoadTest.Load;
using Sgraf.LoadTest.Tests.Load;

namespace Sgraf.LoadTest.Tests.Cli;

public sealed class BenchApiCommandTests
{
    [Fact]
    public void Client_counts_are_a_comma_separated_list_of_1_to_1024()
    {
        Assert.Equal([1, 4, 16], BenchApiCommand.ParseClients("1, 4,16"));
        Assert.Throws<InvalidInputException>(() => BenchApiCommand.ParseClients("1,0"));
        Assert.Throws<InvalidInputException>(() => BenchApiCommand.ParseClients("4,2000"));
        Assert.Throws<InvalidInputException>(() => BenchApiCommand.ParseClients("1;4"));
    }

    [Fact]
    public void The_comparison_puts_the_two_labels_side_by_side_with_ratios_other_over_baseline()
    {
        var off = Report("batching off", (1, 100, 10, 20), (4, 150, 25, 60));
        var on = Report("batching on", (1, 90, 11, 22), (4, 300, 12, 30));

        var lines = BenchApiCompareCommand.Table([off, on], ByLabel("batching off", "batching on")).TrimEnd().Split(Environment.NewLine);

        Assert.Equal(4, lines.Length);
        Assert.Contains("QPS batching off | QPS batching on | QPS ratio", lines[0]);
        Assert.Equal("| 1000 | 1 | 100.0 | 90.0 | 0.90× | 10.0 | 11.0 | 1.10× | 20.0 | 22.0 | 1.10× | 0 / 0 |", lines[2]);
        Assert.Equal("| 1000 | 4 | 150.0 | 300.0 | 2.00× | 25.0 | 12.0 | 0.48× | 60.0 | 30.0 | 0.50× | 0 / 0 |", lines[3]);
    }

    [Fact]
    public void Several_runs_of_a_label_are_compared_by_their_median()
    {
        Assert.Equal(2, BenchApiCompareCommand.Median([3, 1, 2]));
        Assert.Equal(2.5, BenchApiCompareCommand.Median([4, 1, null, 2, 3]));
        Assert.Null(BenchApiCompareCommand.Median([null]));

        var table = BenchApiCompareCommand.Table(
            [Report("off", (1, 100, 10, 20)), Report("off", (1, 300, 30, 60)), Report("on", (1, 400, 5, 10))], ByLabel("off", "on"));

        Assert.Contains("| 1000 | 1 | 200.0 | 400.0 | 2.00× | 20.0 | 5.0 | 0.25× | 40.0 | 10.0 | 0.25× | 0 / 0 |", table);
        Assert.Contains("medians of up to 2 runs", table);
    }

    [Fact]
    public void Modes_are_a_comma_separated_list_of_exact_shortlist_auto_and_default_each_once()
    {
        Assert.Equal("exact,shortlist", string.Join(",", BenchApiCommand.ParseModes("exact, Shortlist")));
        var withDefault = BenchApiCommand.ParseModes("default,auto");
        Assert.Null(withDefault[0]);   // the service's default: no mode sent
        Assert.Equal("auto", withDefault[1]);
        Assert.Throws<InvalidInputException>(() => BenchApiCommand.ParseModes("exact,fast"));
        Assert.Throws<InvalidInputException>(() => BenchApiCommand.ParseModes("exact,exact"));
        Assert.Throws<InvalidInputException>(() => BenchApiCommand.ParseModes(","));
    }

    [Fact]
    public void The_modes_of_one_file_are_compared_with_exact_as_the_baseline_and_the_reranked_counts_side_by_side()
    {
        var run = Report("batching on", Mode("shortlist", (1, 40, 25, 50), (16, 90, 170, 300)), Mode("exact", (1, 4, 250, 400), (16, 6, 2600, 3500)));

        var comparisons = BenchApiCompareCommand.Choose([run], by: null, pair: null);
        var lines = BenchApiCompareCommand.Table([run], comparisons.Single()).TrimEnd().Split(Environment.NewLine);

        Assert.Equal(new BenchApiCompareCommand.Comparison("mode", "exact", "shortlist"), comparisons.Single());
        Assert.Equal(4, lines.Length);
        Assert.Contains("| QPS exact | QPS shortlist | QPS ratio |", lines[0]);
        Assert.Contains("| reranked exact / shortlist |", lines[0]);
        Assert.Equal("| 1000 | 1 | 4.0 | 40.0 | 10.00× | 250.0 | 25.0 | 0.10× | 400.0 | 50.0 | 0.13× | 1000 / 200 | 0 / 0 |", lines[2]);
        Assert.Equal("| 1000 | 16 | 6.0 | 90.0 | 15.00× | 2600.0 | 170.0 | 0.07× | 3500.0 | 300.0 | 0.09× | 1000 / 200 | 0 / 0 |", lines[3]);
    }

    [Fact]
    public void Two_labels_measured_in_several_modes_are_compared_within_each_mode()
    {
        var off = Report("batching off", Mode("exact", (1, 4, 250, 400)), Mode("shortlist", (1, 40, 25, 50)));
        var on = Report("batching on", Mode("exact", (1, 5, 200, 300)), Mode("shortlist", (1, 20, 50, 100)));

        var comparison = BenchApiCompareCommand.Choose([off, on], by: null, pair: null).Single();
        var lines = BenchApiCompareCommand.Table([off, on], comparison).TrimEnd().Split(Environment.NewLine);

        Assert.Equal(ByLabel("batching off", "batching on"), comparison);
        Assert.StartsWith("| images | clients | mode | QPS batching off |", lines[0]);
        Assert.StartsWith("| 1000 | 1 | exact | 4.0 | 5.0 | 1.25× |", lines[2]);
        Assert.StartsWith("| 1000 | 1 | shortlist | 40.0 | 20.0 | 0.50× |", lines[3]);

        var byMode = BenchApiCompareCommand.Choose([off, on], by: "mode", pair: null).Single();
        var modeLines = BenchApiCompareCommand.Table([off, on], byMode).TrimEnd().Split(Environment.NewLine);
        Assert.StartsWith("| images | clients | label | QPS exact |", modeLines[0]);
        Assert.StartsWith("| 1000 | 1 | batching off | 4.0 | 40.0 | 10.00× |", modeLines[2]);
        Assert.StartsWith("| 1000 | 1 | batching on | 5.0 | 20.0 | 4.00× |", modeLines[3]);
    }

    [Fact]
    public void Old_results_are_mode_default_so_three_modes_give_one_comparison_per_mode_other_than_the_baseline_or_the_pair_asked_for()
    {
        var old = Report("batching on", (1, 30, 31, 51));
        var modes = Report("batching on", Mode("exact", (1, 4, 250, 400)), Mode("auto", (1, 35, 28, 45)));

        var all = BenchApiCompareCommand.Choose([old, modes], by: "mode", pair: null);
        var pair = BenchApiCompareCommand.Choose([old, modes], by: "mode", pair: "default,auto");

        BenchApiCompareCommand.Comparison[] expectedAll = [new("mode", "exact", "default"), new("mode", "exact", "auto")];
        Assert.Equal(expectedAll, all);
        Assert.Equal(new BenchApiCompareCommand.Comparison("mode", "default", "auto"), pair.Single());
        Assert.Contains("| 1000 | 1 | 30.0 | 35.0 | 1.17× |", BenchApiCompareCommand.Table([old, modes], pair.Single()));
        Assert.Throws<InvalidInputException>(() => BenchApiCompareCommand.Choose([old, modes], "mode", "exact,shortlist"));
        Assert.Throws<InvalidInputException>(() => BenchApiCompareCommand.Choose([old], null, null));
    }

    [Fact]
    public void One_run_measures_each_mode_at_each_client_count_in_turn_and_counts_a_refused_mode_as_errors_that_say_why()
    {
        using var service = new FakeSearchService(images: 3);
        var folder = Directory.CreateTempSubdirectory("sgraf-bench-api-modes-");
        try
        {
            var json = Path.Combine(folder.FullName, "modes.json");

            var run = ToolProcess.Run("sgraf-load", "bench-api", "--url", service.Url, "--images", "3", "--clients", "1,2", "--seconds", "1", "--warmup", "0",
                "--modes", "exact,shortlist,auto", "--shortlist", "50", "--json", json);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("warning: mode shortlist does not work", run.StandardError);
            Assert.Contains("exact → the service ran exact, reranking 3 images per query", run.StandardOutput);
            Assert.Contains("mode shortlist: ", run.StandardOutput);
            Assert.Contains("× HTTP 400 BadRequest mode: is 'shortlist', but this bundle has no shortlist head", run.StandardOutput);
            Assert.Contains("| QPS ÷ exact | p50 ÷ exact |", run.StandardOutput);
            var report = System.Text.Json.JsonSerializer.Deserialize<BenchApiReport>(File.ReadAllText(json), BenchServiceClient.Json)!;
            Assert.Equal([(1, "exact"), (1, "shortlist"), (1, "auto"), (2, "exact"), (2, "shortlist"), (2, "auto")],
                report.Runs.Select(r => (r.Clients, r.ModeName)));
            Assert.All(report.Runs.Where(r => r.Mode == "shortlist"), r => Assert.True(r.Requests == 0 && r.Errors > 0, r.ToString()));
            Assert.All(report.Runs.Where(r => r.Mode != "shortlist"), r =>
            {
                Assert.True(r.Requests > 0 && r.Errors == 0, r.ToString());
                Assert.Equal("exact", r.RanName);
                Assert.Equal(3, r.MeanReranked);
            });
            Assert.Equal([null, 50, 50], report.Runs.Take(3).Select(r => r.Shortlist));
            // The shortlist size goes only with the modes that take one: the service refuses it with mode exact.
            Assert.All(service.Searches, s => Assert.Equal(s["mode"]!.GetValue<string>() != "exact", s.ContainsKey("shortlist")));

            var compare = ToolProcess.Run("sgraf-load", "bench-api-compare", json);
            Assert.True(compare.ExitCode == 0, compare.ToString());
            Assert.Contains("shortlist vs exact:", compare.StandardOutput);
            Assert.Contains("auto vs exact:", compare.StandardOutput);
            Assert.Contains("| reranked exact / auto |", compare.StandardOutput);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Keep_gallery_measures_the_gallery_as_it_is_once_its_size_is_the_one_given()
    {
        using var service = new FakeSearchService(images: 3);
        string[] Args(params string[] more) => ["bench-api", "--url", service.Url, "--keep-gallery", "--clients", "1", "--seconds", "1", "--warmup", "0", .. more];

        var run = ToolProcess.Run("sgraf-load", Args("--images", "3"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("its gallery as it is, 3 images", run.StandardOutput);
        Assert.NotEmpty(service.Searches);
        // Without --keep-gallery a fourth image would be uploaded (the fake has no POST /images); with it, the size is checked.
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Args("--images", "4")), "holds 3 images, not --images 4");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Args("--images", "3", "--fill-only")), "does not go with --fill-only or --reset");
    }

    static BenchApiCompareCommand.Comparison ByLabel(string baseline, string other) => new("label", baseline, other);

    static BenchApiReport Report(string label, params (int Clients, double Qps, double P50, double P99)[] runs) =>
        Report(label, Mode(null, runs));

    static BenchApiReport Report(string label, params LoadResult[][] modes) =>
        new(label, "http://127.0.0.1:5000/", 1000, 2048, "sgraf", 10, 1, true, 27144, 1000, 3, 20, 2, DateTimeOffset.UnixEpoch,
            new GalleryFillResult(1000, 0, 0, 0), modes.SelectMany(m => m).ToArray());

    /// <summary>Measurements of one mode (null: written before modes); exact reranks the whole gallery, shortlist 200.</summary>
    static LoadResult[] Mode(string? mode, params (int Clients, double Qps, double P50, double P99)[] runs) =>
        runs.Select(r => new LoadResult(r.Clients, 20, (long)(r.Qps * 20), (long)(r.Qps * 20), r.Qps, r.Qps,
            new LatencySummary(r.P50, r.P50, r.P99, r.P99, r.P99), 0, 0, [], mode, null,
            mode is null ? null : new Dictionary<string, long> { [mode == "exact" ? "exact" : "shortlist"] = (long)(r.Qps * 20) },
            mode is null ? null : mode == "exact" ? 1000 : 200)).ToArray();
}
