using Sgraf.Api.Batching;

namespace Sgraf.Api.Observability;

/// <summary>
/// A batcher's metrics with the series of its direction already looked up, so the worker's hot path only does
/// interlocked arithmetic, which cannot throw.
/// </summary>
internal sealed class DirectionBatcherMetrics(
    HistogramSeries requestsPerBatch,
    HistogramSeries queriesPerBatch,
    HistogramSeries queueWaitSeconds,
    CounterSeries rejections) : IBatcherMetrics
{
    public void BatchStarted(int requestCount, int weight)
    {
        requestsPerBatch.Observe(requestCount);
        queriesPerBatch.Observe(weight);
    }

    public void RequestDequeued(TimeSpan queueWait) => queueWaitSeconds.Observe(queueWait);

    public void RequestRejected() => rejections.Inc();
}
