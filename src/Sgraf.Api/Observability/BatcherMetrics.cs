using System.Diagnostics.Metrics;
using Sgraf.Api.Batching;

namespace Sgraf.Api.Observability;

/// <summary>
/// The dynamic batchers' work, labelled by direction: <c>sgraf_batch_requests</c>, <c>sgraf_batch_queries</c>,
/// <c>sgraf_batcher_queue_wait_seconds</c> and <c>sgraf_batcher_rejected_total</c>.
/// </summary>
public sealed class BatcherMetrics
{
    readonly Histogram<int> requestsPerBatch;
    readonly Histogram<int> queriesPerBatch;
    readonly Histogram<double> queueWaitSeconds;
    readonly Counter<long> rejections;

    public BatcherMetrics(IMeterFactory meterFactory)
    {
        var meter = SgrafMeter.Create(meterFactory);
        var batchSize = new InstrumentAdvice<int> { HistogramBucketBoundaries = [.. HistogramBuckets.BatchSize.Select(bound => (int)bound)] };
        requestsPerBatch = meter.CreateHistogram("batch_requests", "{request}", "Requests gathered into one scoring batch.", tags: null, advice: batchSize);
        queriesPerBatch = meter.CreateHistogram("batch_queries", "{query}", "Queries (batch weight) in one scoring batch.", tags: null, advice: batchSize);
        queueWaitSeconds = meter.CreateHistogram("batcher_queue_wait_seconds", "s", "Time a request waited in the batcher's queue before its batch started.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.QueueWait });
        rejections = meter.CreateCounter<long>("batcher_rejected_total", "{request}", "Requests refused because the batcher's queue was full.");
    }

    /// <summary>Metrics for the batcher of one <paramref name="direction"/> (e.g. text-to-image), which they carry as a label.</summary>
    public IBatcherMetrics For(string direction)
    {
        ArgumentNullException.ThrowIfNull(direction);
        var tag = new KeyValuePair<string, object?>("direction", direction);
        // Published at zero from the start, so an alert on rejections has a series to read before the first one.
        rejections.Add(0, tag);
        return new Direction(this, tag);
    }

    /// <summary>One direction's view; the batcher's worker calls it on its hot path, and recording cannot throw.</summary>
    sealed class Direction(BatcherMetrics metrics, KeyValuePair<string, object?> tag) : IBatcherMetrics
    {
        public void BatchStarted(int requestCount, int weight)
        {
            metrics.requestsPerBatch.Record(requestCount, tag);
            metrics.queriesPerBatch.Record(weight, tag);
        }

        public void RequestDequeued(TimeSpan queueWait) => metrics.queueWaitSeconds.Record(queueWait.TotalSeconds, tag);

        public void RequestRejected() => metrics.rejections.Add(1, tag);
    }
}
