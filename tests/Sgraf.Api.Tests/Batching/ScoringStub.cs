using Sgraf.Api.Batching;

namespace Sgraf.Api.Tests.Batching;

/// <summary>
/// A batch function that doubles each request, records every batch it sees and how many ran at once, and can be held
/// at a gate so that tests decide when batches are busy instead of relying on timing.
/// </summary>
internal sealed class ScoringStub
{
    private readonly object _lock = new();
    private readonly List<int[]> _batches = [];
    private TaskCompletionSource _gate = CompletedGate();
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _entries = new(0);
    private int _running;
    private int _mostAtOnce;

    public IReadOnlyList<int[]> Batches { get { lock (_lock) return [.. _batches]; } }

    /// <summary>Completes when a batch has entered the function since the last <see cref="Hold"/>.</summary>
    public Task Started => _started.Task;

    /// <summary>The most batches that were inside the function at the same time.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    /// <summary>Completes once <paramref name="count"/> more batches have entered the function.</summary>
    public async Task EnteredAsync(int count)
    {
        for (var i = 0; i < count; i++)
            await _entries.WaitAsync();
    }

    /// <summary>From now on, batches wait (honouring cancellation) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _gate.TrySetResult();

    public async Task<IReadOnlyList<int>> RunAsync(IReadOnlyList<int> batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _batches.Add([.. batch]);
            _mostAtOnce = Math.Max(_mostAtOnce, ++_running);
        }
        _started.TrySetResult();
        _entries.Release();
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
            if (batch.Contains(-1))
                throw new InvalidOperationException("scoring failed");
            return batch.Select(x => x * 2).ToList();
        }
        finally
        {
            lock (_lock) _running--;
        }
    }

    public DynamicBatcher<int, int> CreateBatcher(
        int maxBatchSize = 8, TimeSpan? maxWait = null, int queueCapacity = 64,
        Func<int, int>? weigh = null, IBatcherMetrics? metrics = null, int maxConcurrentBatches = 1) =>
        new(new BatcherOptions(maxBatchSize, maxWait ?? TimeSpan.FromSeconds(30), queueCapacity, maxConcurrentBatches), RunAsync, weigh, metrics);

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}

internal sealed class RecordingMetrics : IBatcherMetrics
{
    private readonly object _lock = new();
    public List<(int Requests, int Weight)> Batches { get; } = [];
    public List<TimeSpan> QueueWaits { get; } = [];
    public int Rejections { get; private set; }

    public void BatchStarted(int requestCount, int weight) { lock (_lock) Batches.Add((requestCount, weight)); }
    public void RequestDequeued(TimeSpan queueWait) { lock (_lock) QueueWaits.Add(queueWait); }
    public void RequestRejected() { lock (_lock) Rejections++; }
}
