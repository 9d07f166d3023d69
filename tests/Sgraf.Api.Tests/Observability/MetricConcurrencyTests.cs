using Sgraf.Api.Observability;

namespace Sgraf.Api.Tests.Observability;

// Threads start together at a barrier so their updates overlap; an update lost to a race shows as a wrong total.
public sealed class MetricConcurrencyTests
{
    private const int Threads = 8;
    private const int UpdatesPerThread = 100_000;

    [Fact]
    public void Concurrent_increments_of_a_counter_are_all_counted()
    {
        var counter = new MetricRegistry().CreateCounter("hits_total", "Hits.", "route").WithLabels("/same");

        RunTogether(_ => counter.Inc());

        Assert.Equal(Threads * UpdatesPerThread, counter.Value);
    }

    [Fact]
    public void Concurrent_observations_of_a_histogram_are_all_counted_in_the_right_buckets_and_sum()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("wait_seconds", "Wait.", [1], "queue").WithLabels("q");

        // Half the threads observe 0.5 (first bucket), half 2 (above it); both are exact in binary, so the sum is too.
        RunTogether(thread => histogram.Observe(thread % 2 == 0 ? 0.5 : 2));

        var text = registry.Render();
        const int half = Threads / 2 * UpdatesPerThread;
        Assert.Equal(half, Exposition.Sample(text, "wait_seconds_bucket{queue=\"q\",le=\"1\"}"));
        Assert.Equal(2 * half, Exposition.Sample(text, "wait_seconds_bucket{queue=\"q\",le=\"+Inf\"}"));
        Assert.Equal(2 * half, Exposition.Sample(text, "wait_seconds_count{queue=\"q\"}"));
        Assert.Equal(half * 0.5 + half * 2, Exposition.Sample(text, "wait_seconds_sum{queue=\"q\"}"));
    }

    [Fact]
    public void Series_created_concurrently_each_exist_once_with_their_own_count()
    {
        var registry = new MetricRegistry();
        var counter = registry.CreateCounter("per_thread_total", "Per thread.", "thread");

        RunTogether(thread => counter.WithLabels($"t{thread}").Inc());

        var text = registry.Render();
        for (var thread = 0; thread < Threads; thread++)
            Assert.Equal(UpdatesPerThread, Exposition.Sample(text, $"per_thread_total{{thread=\"t{thread}\"}}"));
    }

    [Fact]
    public async Task A_scrape_during_observations_always_has_an_inf_bucket_equal_to_its_count()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("busy_seconds", "Busy.", [0.5, 1]).WithLabels();
        histogram.Observe(0.1);
        var mismatches = new List<string>();

        using var stop = new CancellationTokenSource();
        var scraper = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var text = registry.Render();
                if (Exposition.Sample(text, "busy_seconds_bucket{le=\"+Inf\"}") != Exposition.Sample(text, "busy_seconds_count"))
                    mismatches.Add(text);
            }
        });
        RunTogether(thread => histogram.Observe(thread * 0.2));
        stop.Cancel();
        await scraper;

        Assert.Empty(mismatches);
        Assert.Equal(Threads * UpdatesPerThread + 1, histogram.Count);
    }

    private static void RunTogether(Action<int> update)
    {
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < UpdatesPerThread; i++)
                update(thread);
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
    }
}
