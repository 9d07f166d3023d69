namespace Sgraf.LoadTest.Load;

/// <summary>Latency of successful requests, in milliseconds; percentiles by the nearest-rank method.</summary>
internal sealed record LatencySummary(double Mean, double P50, double P95, double P99, double Max)
{
    /// <returns>Null when there are no samples.</returns>
    public static LatencySummary? Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) return null;
        var sorted = milliseconds.Order().ToArray();
        return new LatencySummary(sorted.Average(), Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1]);
    }

    /// <summary>
    /// The smallest sample with at least <paramref name="percent"/>% of the samples at or below it: always a latency
    /// that was measured, never an interpolation between two.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        // Multiplying first keeps whole percents exact: 7 / 100.0 * 100 would be 7.000000000000001, rank 8.
        int rank = (int)Math.Ceiling(percent * sorted.Count / 100);
        return sorted[rank - 1];
    }
}
