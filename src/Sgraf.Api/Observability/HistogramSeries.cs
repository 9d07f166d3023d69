namespace Sgraf.Api.Observability;

/// <summary>One labelled series of a <see cref="Histogram"/>. Safe to use from any thread.</summary>
public sealed class HistogramSeries
{
    private readonly double[] _upperBounds;

    // Per bucket, not cumulative, so an observation touches one slot; the last slot holds values above every bound.
    // The count is their total, so a scrape's +Inf bucket and _count always agree.
    private readonly long[] _bucketCounts;
    private double _sum;

    internal HistogramSeries(double[] upperBounds)
    {
        _upperBounds = upperBounds;
        _bucketCounts = new long[upperBounds.Length + 1];
    }

    public double Sum => Volatile.Read(ref _sum);

    public long Count => Snapshot().BucketCounts.Sum();

    public void Observe(double value)
    {
        // Bounds are inclusive (le = less or equal); NaN fails every comparison and lands above them all.
        var bucket = 0;
        while (bucket < _upperBounds.Length && !(value <= _upperBounds[bucket]))
            bucket++;
        Interlocked.Increment(ref _bucketCounts[bucket]);
        AtomicDouble.Add(ref _sum, value);
    }

    /// <summary>Observes a duration in seconds, the unit Prometheus uses for time.</summary>
    public void Observe(TimeSpan duration) => Observe(duration.TotalSeconds);

    internal (long[] BucketCounts, double Sum) Snapshot()
    {
        var counts = new long[_bucketCounts.Length];
        for (var i = 0; i < counts.Length; i++)
            counts[i] = Interlocked.Read(ref _bucketCounts[i]);
        return (counts, Sum);
    }
}
