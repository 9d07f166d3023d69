namespace Sgraf.Api.Batching;

/// <summary>
/// What a <see cref="DynamicBatcher{TRequest, TResult}"/> reports as it works, for Prometheus or tests.
/// Calls come from the batcher's worker (and, for rejections, from the caller's thread); they must be quick and not throw.
/// </summary>
public interface IBatcherMetrics
{
    /// <summary>A batch of <paramref name="requestCount"/> requests, of total <paramref name="weight"/>, is about to be run.</summary>
    void BatchStarted(int requestCount, int weight);

    /// <summary>One request waited <paramref name="queueWait"/> between being submitted and its batch starting.</summary>
    void RequestDequeued(TimeSpan queueWait);

    /// <summary>A request was refused because the queue was full.</summary>
    void RequestRejected();
}
