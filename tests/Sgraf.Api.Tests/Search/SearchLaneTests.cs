using Sgraf.Api.Batching;
using Sgraf.Api.Search;

namespace Sgraf.Api.Tests.Search;

public sealed class SearchLaneTests
{
    [Fact]
    public async Task At_most_concurrency_searches_run_and_one_more_than_capacity_waiting_is_refused()
    {
        var lane = new SearchLane(concurrency: 2, capacity: 1);
        using var release = new ManualResetEventSlim();
        int running = 0, most = 0;
        int Search()
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            release.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref running);
            return now;
        }
        // Two run, blocked; the third waits for a slot; the fourth finds the wait full. The two blocked searches get
        // threads of their own: on a pool starved by the assembly's other tests, the second could wait past the spin
        // below, and the third would then take its slot and block this thread.
        var first = OnItsOwnThread(() => lane.RunAsync(Search, CancellationToken.None));
        var second = OnItsOwnThread(() => lane.RunAsync(Search, CancellationToken.None));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref running) == 2, TimeSpan.FromSeconds(30)), "the first two searches did not start");
        var third = lane.RunAsync(Search, CancellationToken.None);
        Assert.False(third.IsCompleted);
        var refused = await Assert.ThrowsAsync<BatcherQueueFullException>(() => lane.RunAsync(Search, CancellationToken.None));
        Assert.Equal(1, refused.Capacity);
        release.Set();
        await Task.WhenAll(first, second, third);
        Assert.Equal(2, most);
        // Everything has left the lane: it takes searches again.
        Assert.Equal(1, await lane.RunAsync(() => 1, CancellationToken.None));
    }

    [Fact]
    public async Task A_search_cancelled_while_waiting_leaves_its_place()
    {
        var lane = new SearchLane(concurrency: 1, capacity: 1);
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var busy = Task.Run(() => lane.RunAsync(() => { started.Set(); return release.Wait(TimeSpan.FromSeconds(30)); }, CancellationToken.None));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the first search did not start");
        using var cancel = new CancellationTokenSource();
        var waiting = lane.RunAsync(() => true, cancel.Token);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = lane.RunAsync(() => true, CancellationToken.None);
        release.Set();
        Assert.True(await busy);
        Assert.True(await next);
    }

    static Task<T> OnItsOwnThread<T>(Func<Task<T>> start) =>
        Task.Factory.StartNew(start, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    static void InterlockedMax(ref int target, int value)
    {
        for (int seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }
}
