using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class LatencySummaryTests
{
    [Fact]
    public void Percentiles_are_the_nearest_rank_samples_of_a_hand_checked_list()
    {
        // Sorted: 3 7 9 12 21 30 45. p50: rank ⌈3.5⌉ = 4 → 12; p95: ⌈6.65⌉ = 7 → 45; p99 → 45.
        var summary = LatencySummary.Of([21, 3, 45, 9, 12, 30, 7])!;

        Assert.Equal(12, summary.P50);
        Assert.Equal(45, summary.P95);
        Assert.Equal(45, summary.P99);
        Assert.Equal(45, summary.Max);
        Assert.Equal(127.0 / 7, summary.Mean, 12);
    }

    [Fact]
    public void Whole_percents_of_a_hundred_samples_pick_exactly_that_sample()
    {
        // 7 / 100.0 * 100 is 7.000000000000001 in floating point; a naive rank would be 8.
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(7, LatencySummary.Percentile(sorted, 7));
        Assert.Equal(50, LatencySummary.Percentile(sorted, 50));
        Assert.Equal(99, LatencySummary.Percentile(sorted, 99));
        Assert.Equal(100, LatencySummary.Percentile(sorted, 100));
    }

    [Fact]
    public void No_samples_give_no_summary() => Assert.Null(LatencySummary.Of([]));
}
