namespace Sgraf.Api.Search;

/// <summary>
/// One lane of <see cref="SearchAdmission"/>: a budget of cost for the searches in it, running and waiting, and
/// optionally a bound on how many run at once, the others waiting in arrival order (SemaphoreSlim serves async waiters
/// first come, first served). A search that would take the lane over its budget is refused at once with
/// <see cref="SearchBusyException"/>, its Retry-After the excess at the lane's <see cref="DrainRate"/>. Thread-safe.
/// </summary>
/// <remarks>Written here rather than with ASP.NET's rate limiters: those count permits per request and refuse with a
/// status of their own, while a lane weighs each search by its cost and says when to come back.</remarks>
public sealed class AdmissionLane
{
    static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(1);

    readonly SemaphoreSlim? running;
    readonly DrainRate drain;
    readonly TimeProvider time;
    long held;

    /// <param name="concurrency">Searches of the lane that run at once; null: as many as are admitted.</param>
    public AdmissionLane(string name, long budget, int? concurrency, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budget);
        Name = name;
        Budget = budget;
        this.time = time;
        drain = new DrainRate(time);
        if (concurrency is { } n) running = new SemaphoreSlim(n, n);
    }

    public string Name { get; }

    public long Budget { get; }

    /// <summary>Cost of the searches in the lane, running and waiting.</summary>
    public long Held => Interlocked.Read(ref held);

    /// <summary>Units the lane gets through per second while it holds work; null until a search has been done.</summary>
    public double? UnitsPerSecond => drain.UnitsPerSecond;

    /// <summary>Takes a search of <paramref name="cost"/> in; completes when it may run. Dispose the ticket once it is done.</summary>
    /// <exception cref="SearchBusyException">The lane's budget has no room for it; nothing was taken.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; it left the lane.</exception>
    public async Task<Ticket> EnterAsync(long cost, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        long after = Interlocked.Add(ref held, cost);
        if (after > Budget)
        {
            Interlocked.Add(ref held, -cost);
            throw new SearchBusyException(Name, after - cost, Budget, RetryAfter(after - Budget));
        }
        drain.Entered();
        long arrived = time.GetTimestamp();
        if (running is not null)
        {
            try
            {
                await running.WaitAsync(cancellationToken);
            }
            catch
            {
                Leave(cost, done: 0);
                throw;
            }
        }
        return new Ticket(this, cost, time.GetElapsedTime(arrived));
    }

    /// <summary>How long the lane takes to get through <paramref name="excess"/> units at its measured rate: 1 s to 1 min, 1 s before any measurement.</summary>
    TimeSpan RetryAfter(long excess) =>
        drain.UnitsPerSecond is { } rate
            ? TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(excess / rate), 1, LongestRetryAfter.TotalSeconds))
            : TimeSpan.FromSeconds(1);

    void Leave(long cost, long done)
    {
        Interlocked.Add(ref held, -cost);
        drain.Left(done);
    }

    /// <summary>A search's place in its lane, from admission until it is disposed.</summary>
    public sealed class Ticket : IDisposable
    {
        readonly AdmissionLane lane;
        readonly long cost;
        int disposed;

        internal Ticket(AdmissionLane lane, long cost, TimeSpan waited) => (this.lane, this.cost, Waited) = (lane, cost, waited);

        public AdmissionLane Lane => lane;

        /// <summary>How long the search waited for its turn to run.</summary>
        public TimeSpan Waited { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            lane.running?.Release();
            lane.Leave(cost, done: cost);
        }
    }
}
