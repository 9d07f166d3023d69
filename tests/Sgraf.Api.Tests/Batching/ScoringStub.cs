using Sgraf.Api.Batching;

namespace Sgraf.Api.Tests.Batching;

/// <summary>
/// A batch function that doubles each request, records every batch it sees, and can be held at a gate so that
/// tests decide when the worker is busy instead of relying on timing.
/// </summary>
internal sealed class ScoringStub
{
    private readonly object _lock = new();
    private readonly List<int[]> _batches = [];
    private TaskCompletionSource _gate = CompletedGate();
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<int[]> Batches { get { lock (_lock) return [.. _batches]; } }

    /// <summary>Completes when a batch has entered the function since the last <see cref="Hold"/>.</summary>
    public Task Started => _started.Task;

    /// <summary>From now on, batches wait (honouring cancellation) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _gate.TrySetResult();

    public async Task<IReadOnlyList<int>> RunAsync(IReadOnlyList<int> batch, CancellationToken cancellationToken)
    {
        lock (_lock) _batches.Add([.. batch]);
        _started.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken);
        if (batch.Contains(-1))
            throw new InvalidOperationException("scoring failed");
        return batch.Select(x => x * 2).ToList();
    }

    public DynamicBatcher<int, int> CreateBatcher(
        int maxBatchSize = 8, TimeSpan? maxWait = null, int queueCapacity = 64,
        Func<int, int>? weigh = null, IBatcherMetrics? metrics = null) =>
        new(new BatcherOptions(maxBatchSize, maxWait ?? TimeSpan.FromSeconds(30), queueCapacity), RunAsync, weigh, metrics);

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
