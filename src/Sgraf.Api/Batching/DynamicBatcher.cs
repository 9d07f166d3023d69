using System.Diagnostics;
using System.Threading.Channels;

namespace Sgraf.Api.Batching;

/// <summary>
/// Gathers concurrent requests into batches for one batch function, as Triton's dynamic batching does.
/// A single gatherer takes queued requests until the batch's weight reaches <see cref="BatcherOptions.MaxBatchSize"/>
/// or <see cref="BatcherOptions.MaxWait"/> has passed since the batch's first request was submitted, then starts the
/// batch function on the thread pool and hands each caller its own result. Up to
/// <see cref="BatcherOptions.MaxConcurrentBatches"/> batches run at once: the gatherer forms the next batch while
/// earlier ones run, and waits for one to finish before it gathers when that many are running.
/// </summary>
/// <remarks>
/// The queue is bounded: a full queue refuses a request at once with <see cref="BatcherQueueFullException"/>.
/// Requests taken from it are at most the batch being gathered and the batches running.
/// A caller cancelled before its batch starts is left out of the batch; one cancelled later sees the cancellation
/// and its result is discarded. An exception from the batch function fails every request of that batch and no other,
/// whichever batches run beside it.
/// Disposing stops the gatherer, cancels the running batches and waits for them, and fails every request not yet
/// answered with <see cref="ObjectDisposedException"/>; the batcher owns nothing else, and does not dispose the batch
/// function or the metrics.
/// </remarks>
public sealed class DynamicBatcher<TRequest, TResult> : IAsyncDisposable, IDisposable
{
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> _runBatch;
    private readonly Func<TRequest, int> _weigh;
    private readonly IBatcherMetrics? _metrics;
    private readonly BatcherOptions _options;
    private readonly Channel<Pending> _queue;
    private readonly CancellationTokenSource _stopping = new();
    // One slot per batch that may run; the gatherer takes a slot before it gathers, and a batch returns it when done.
    private readonly SemaphoreSlim _slots;
    private readonly Task _worker;
    private Pending? _carried;
    private List<Pending>? _gathering;
    private int _disposed;

    /// <param name="options">Batch size, wait, queue capacity and batches at once; validated here.</param>
    /// <param name="runBatch">Scores a batch; returns one result per request, in request order.</param>
    /// <param name="weigh">Weight of one request (for example its number of queries), at least 1; one per request when null.
    /// A request heavier than the whole budget runs in a batch of its own.</param>
    /// <param name="metrics">Told about batches, queue waits and rejections; optional.</param>
    public DynamicBatcher(
        BatcherOptions options,
        Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> runBatch,
        Func<TRequest, int>? weigh = null,
        IBatcherMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runBatch);
        options.Validate();
        _options = options;
        _runBatch = runBatch;
        _weigh = weigh ?? (static _ => 1);
        _metrics = metrics;
        _slots = new SemaphoreSlim(options.MaxConcurrentBatches, options.MaxConcurrentBatches);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _worker = Task.Run(RunWorkerAsync);
    }

    /// <summary>
    /// Requests waiting in the queue, not counting the batch being gathered or those running. Cancelled requests count
    /// until the gatherer next reads the queue, so they hold their place for at most the length of a running batch.
    /// </summary>
    public int QueuedCount => _queue.Reader.Count;

    /// <summary>Queues <paramref name="request"/> and completes with its result once its batch has run.</summary>
    /// <exception cref="BatcherQueueFullException">The queue is full; nothing was queued.</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed before the request was answered.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TResult> SubmitAsync(TRequest request, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var weight = _weigh(request);
        if (weight < 1)
            throw new ArgumentException($"A request's weight must be at least 1, but the weight function gave {weight}.", nameof(request));

        var pending = new Pending(request, weight, Stopwatch.GetTimestamp());
        if (!_queue.Writer.TryWrite(pending))
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _metrics?.RequestRejected();
            throw new BatcherQueueFullException(_options.QueueCapacity);
        }

        await using var registration = cancellationToken.Register(
            static (state, token) => ((Pending)state!).Cancel(token), pending);
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunWorkerAsync()
    {
        var stop = _stopping.Token;
        var running = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
                var gathered = await GatherAsync(stop).ConfigureAwait(false);
                if (gathered is null)
                    return;
                // Claiming is what makes "cancelled before its batch starts" exact: a claimed request is no longer cancellable out of the batch.
                var batch = gathered.Where(p => p.TryClaim()).ToList();
                _gathering = null;
                if (batch.Count == 0)
                {
                    _slots.Release();
                    continue;
                }
                running.RemoveAll(t => t.IsCompleted);
                // Not given the stop token: a batch that never started would leave its claimed requests unanswered.
                running.Add(Task.Run(() => RunBatchAsync(batch, stop)));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposal: DisposeAsync fails whatever is left.
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    /// <summary>The next batch of requests still wanted by their callers, or null once the queue is closed and empty.</summary>
    private async Task<List<Pending>?> GatherAsync(CancellationToken stop)
    {
        var reader = _queue.Reader;
        var batch = _gathering = [];
        var weight = 0;
        long deadline = 0;
        while (true)
        {
            Pending? next = _carried;
            _carried = null;
            if (next is null && !reader.TryRead(out next))
            {
                if (batch.Count == 0)
                {
                    if (!await reader.WaitToReadAsync(stop).ConfigureAwait(false))
                        return null;
                    continue;
                }
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero || !await WaitForMoreAsync(remaining, stop).ConfigureAwait(false))
                    return batch;
                continue;
            }

            if (next.IsCancelled)
                continue;
            if (batch.Count > 0 && weight + next.Weight > _options.MaxBatchSize)
            {
                _carried = next;
                return batch;
            }
            if (batch.Count == 0)
                deadline = next.SubmittedAt + (long)(_options.MaxWait.TotalSeconds * Stopwatch.Frequency);
            batch.Add(next);
            weight += next.Weight;
            if (weight >= _options.MaxBatchSize)
                return batch;
        }
    }

    /// <summary>True when another request is queued within <paramref name="remaining"/>; false on time-out or a closed queue.</summary>
    private async Task<bool> WaitForMoreAsync(TimeSpan remaining, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(remaining);
        try
        {
            return await _queue.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Runs one claimed batch and answers each of its requests; never throws, and returns its slot when done.</summary>
    private async Task RunBatchAsync(List<Pending> batch, CancellationToken stop)
    {
        try
        {
            stop.ThrowIfCancellationRequested();
            var now = Stopwatch.GetTimestamp();
            _metrics?.BatchStarted(batch.Count, batch.Sum(p => p.Weight));
            foreach (var pending in batch)
                _metrics?.RequestDequeued(Stopwatch.GetElapsedTime(pending.SubmittedAt, now));

            var results = await _runBatch(batch.Select(p => p.Request).ToList(), stop).ConfigureAwait(false);
            if (results is null || results.Count != batch.Count)
                throw new InvalidOperationException(
                    $"The batch function returned {results?.Count.ToString() ?? "null"} results for a batch of {batch.Count} requests.");
            for (var i = 0; i < batch.Count; i++)
                batch[i].Completion.TrySetResult(results[i]);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            foreach (var pending in batch)
                pending.Completion.TrySetException(new ObjectDisposedException(GetType().Name));
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
                pending.Completion.TrySetException(ex);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Stops the gatherer, cancels the running batches and waits for them, and fails every request not yet answered.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _worker.ConfigureAwait(false);
        _stopping.Dispose();
        _slots.Dispose();

        var disposed = new ObjectDisposedException(GetType().Name);
        // Requests the gatherer had taken from the queue but not yet started when it stopped.
        foreach (var pending in (_gathering ?? []).Append(_carried).OfType<Pending>())
            pending.Completion.TrySetException(disposed);
        _gathering = null;
        _carried = null;
        while (_queue.Reader.TryRead(out var pending))
            pending.Completion.TrySetException(disposed);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private sealed class Pending(TRequest request, int weight, long submittedAt)
    {
        private const int Queued = 0, Claimed = 1, Cancelled = 2;
        private int _state = Queued;

        public TRequest Request { get; } = request;
        public int Weight { get; } = weight;
        public long SubmittedAt { get; } = submittedAt;
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

        public void Cancel(CancellationToken token)
        {
            Interlocked.CompareExchange(ref _state, Cancelled, Queued);
            Completion.TrySetCanceled(token);
        }
    }
}
