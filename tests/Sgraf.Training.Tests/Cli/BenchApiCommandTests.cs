using Sgraf.Inference;
using Sgraf.Training.Cli;
using Sgraf.Training.LoadTesting;

namespace Sgraf.Training.Tests.Cli;

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

        var lines = BenchApiCompareCommand.Table([off, on], "batching off", "batching on").TrimEnd().Split(Environment.NewLine);

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
            [Report("off", (1, 100, 10, 20)), Report("off", (1, 300, 30, 60)), Report("on", (1, 400, 5, 10))], "off", "on");

        Assert.Contains("| 1000 | 1 | 200.0 | 400.0 | 2.00× | 20.0 | 5.0 | 0.25× | 40.0 | 10.0 | 0.25× | 0 / 0 |", table);
        Assert.Contains("medians of up to 2 runs", table);
    }

    static BenchApiReport Report(string label, params (int Clients, double Qps, double P50, double P99)[] runs) =>
        new(label, "http://127.0.0.1:5000/", 1000, 2048, "sgraf", 10, 1, true, 27144, 1000, 3, 20, 2, DateTimeOffset.UnixEpoch,
            new GalleryFillResult(1000, 0, 0, 0),
            runs.Select(r => new LoadResult(r.Clients, 20, (long)(r.Qps * 20), (long)(r.Qps * 20), r.Qps, r.Qps,
                new LatencySummary(r.P50, r.P50, r.P99, r.P99, r.P99), 0, 0, [])).ToArray());
}
