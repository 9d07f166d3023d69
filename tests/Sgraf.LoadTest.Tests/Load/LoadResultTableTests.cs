using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class LoadResultTableTests
{
    [Fact]
    public void Exact_and_shortlist_rows_of_one_client_count_sit_together_with_shortlist_over_exact_ratios()
    {
        LoadResult[] runs =
        [
            Run(1, "exact", qps: 4, p50: 250, reranked: 2000),
            Run(1, "shortlist", qps: 40, p50: 25, reranked: 200),
            Run(4, "exact", qps: 6, p50: 600, reranked: 2000),
            Run(4, "shortlist", qps: 90, p50: 40, reranked: 200),
        ];

        var headers = LoadResultTable.Headers(runs);
        var rows = LoadResultTable.Rows(runs);

        Assert.Equal(["clients", "mode", "ran", "requests", "QPS", "× first", "queries/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
            "reranked", "rejected", "errors", "QPS ÷ exact", "p50 ÷ exact"], headers);
        Assert.Equal(["1", "exact", "exact", "80", "4.0", "1.00", "4.0", "250.0", "250.0", "500.0", "500.0", "2000", "0", "0", "", ""], rows[0]);
        Assert.Equal(["1", "shortlist", "shortlist", "800", "40.0", "1.00", "40.0", "25.0", "25.0", "50.0", "50.0", "200", "0", "0", "10.00×", "0.10×"], rows[1]);
        // × first is against the same mode's first measurement: 6 / 4 and 90 / 40.
        Assert.Equal(["4", "exact", "1.50", "", ""], [rows[2][0], rows[2][1], rows[2][5], rows[2][14], rows[2][15]]);
        Assert.Equal(["4", "shortlist", "2.25", "15.00×", "0.07×"], [rows[3][0], rows[3][1], rows[3][5], rows[3][14], rows[3][15]]);
    }

    [Fact]
    public void Without_exact_the_first_mode_is_the_baseline_and_a_missing_figure_is_a_dash()
    {
        LoadResult[] runs = [Run(1, "auto", qps: 10, p50: 100), Run(1, "shortlist", qps: 0, p50: null)];

        Assert.Equal("auto", LoadResultTable.Baseline(runs));
        var rows = LoadResultTable.Rows(runs);
        Assert.Equal(["0.00×", "–"], rows[1][^2..]);
        Assert.Equal("–", rows[1][11]);
    }

    [Fact]
    public void One_mode_has_no_ratio_columns_and_the_default_is_named_default()
    {
        LoadResult[] runs = [Run(1, null, qps: 30, p50: 31), Run(4, null, qps: 60, p50: 65)];

        Assert.Null(LoadResultTable.Baseline(runs));
        Assert.Equal(14, LoadResultTable.Headers(runs).Length);
        Assert.Equal(["4", "default", "exact", "1200", "60.0", "2.00"], LoadResultTable.Rows(runs)[1][..6]);
    }

    internal static LoadResult Run(int clients, string? mode, double qps, double? p50, double? reranked = null) =>
        new(clients, 20, (long)(qps * 20), (long)(qps * 20), qps, qps,
            p50 is { } p ? new LatencySummary(p, p, p, 2 * p, 2 * p) : null, 0, 0, [],
            mode, mode is "shortlist" or "auto" ? 200 : null,
            p50 is null ? new Dictionary<string, long>() : new Dictionary<string, long> { [mode == "shortlist" ? "shortlist" : "exact"] = (long)(qps * 20) },
            reranked);
}
