namespace Sgraf.Api.Batching;

/// <summary>
/// The batcher's queue already holds <see cref="BatcherOptions.QueueCapacity"/> requests; the request was not queued.
/// The API answers 503 with Retry-After rather than letting the queue, and memory, grow.
/// </summary>
public sealed class BatcherQueueFullException : Exception
{
    public BatcherQueueFullException(int capacity)
        : base($"The batch queue is full ({capacity} requests waiting); try again shortly.") => Capacity = capacity;

    public int Capacity { get; }
}
