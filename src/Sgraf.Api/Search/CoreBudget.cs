namespace Sgraf.Api.Search;

/// <summary>
/// Shares the cores among the searches in flight, so that a search alone spreads its scoring over all of them and
/// searches side by side do not oversubscribe them: a scoring call may run max(1, <see cref="Cores"/> / searches in
/// flight) chunks at once. Thread-safe.
/// </summary>
/// <remarks>
/// The share is read at each scoring call rather than once per search, so a long exact search gives cores up as
/// others arrive and takes them back as they leave. The division rounds down, so the shares never add up to more than
/// the cores while there are no more searches than cores; past that, each still gets one. Nothing waits here: how many
/// searches run at once is bounded by the batcher (Sgraf:Batching:MaxConcurrentBatches), not by the budget.
/// </remarks>
public sealed class CoreBudget
{
    int inFlight;

    /// <param name="cores">What one search alone may use; the service gives the runtime's ScoreParallelism (one per processor).</param>
    public CoreBudget(int cores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cores);
        Cores = cores;
    }

    public int Cores { get; }

    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>The chunks one scoring call of a search in flight may run side by side now.</summary>
    public int Share => Math.Max(1, Cores / Math.Max(1, InFlight));

    /// <summary>Counts a search in flight until the returned handle is disposed.</summary>
    public IDisposable Enter()
    {
        Interlocked.Increment(ref inFlight);
        return new Search(this);
    }

    sealed class Search(CoreBudget budget) : IDisposable
    {
        int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) Interlocked.Decrement(ref budget.inFlight);
        }
    }
}
