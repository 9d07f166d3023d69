using Sgraf.Api.Batching;

namespace Sgraf.Api.Search;

/// <summary>
/// Runs searches that gain nothing from batching straight on the engine, at most <paramref name="concurrency"/> at a
/// time, with at most <paramref name="capacity"/> waiting: one more is refused with
/// <see cref="BatcherQueueFullException"/> (503 with Retry-After), as a full batcher queue is. Shortlist searches take
/// this lane because their queries share no scoring call: measured on 2 cores, the batcher cost them 9–15% of their
/// QPS at 1–4 clients (docs/benchmarks.md), while exact searches gain up to 2.75× from it.
/// </summary>
/// <remarks>Written here because the bounded wait must refuse at once rather than queue without end, which a plain
/// <see cref="SemaphoreSlim"/> does not do; ASP.NET's rate limiters would reject with their own status, not ours.</remarks>
public sealed class SearchLane(int concurrency, int capacity)
{
    readonly SemaphoreSlim running = new(concurrency, concurrency);
    int waiting;

    /// <exception cref="BatcherQueueFullException">As many searches as the lane's capacity are already waiting.</exception>
    public async Task<T> RunAsync<T>(Func<T> search, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref waiting) > capacity)
        {
            Interlocked.Decrement(ref waiting);
            throw new BatcherQueueFullException(capacity);
        }
        try
        {
            await running.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
        try
        {
            return search();
        }
        finally
        {
            running.Release();
        }
    }
}
