namespace Sgraf.Api.Batching;

/// <summary>
/// How a <see cref="DynamicBatcher{TRequest, TResult}"/> gathers requests, as Triton's dynamic batching does:
/// a batch is sent when it holds <see cref="MaxBatchSize"/> units of weight (one per request unless the batcher
/// was given a weight function) or when <see cref="MaxWait"/> has passed since its first request arrived.
/// </summary>
/// <param name="MaxBatchSize">Weight budget of one batch; at least 1.</param>
/// <param name="MaxWait">How long the first request of a batch waits for company; zero or more.</param>
/// <param name="QueueCapacity">Requests that may wait before new ones are refused; at least 1.</param>
/// <param name="MaxConcurrentBatches">Batches that may run at once, as Triton's model instances; at least 1.</param>
public sealed record BatcherOptions(int MaxBatchSize, TimeSpan MaxWait, int QueueCapacity, int MaxConcurrentBatches = 1)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentException($"MaxBatchSize must be at least 1, but is {MaxBatchSize}.", nameof(MaxBatchSize));
        if (MaxWait < TimeSpan.Zero)
            throw new ArgumentException($"MaxWait must not be negative, but is {MaxWait}.", nameof(MaxWait));
        if (MaxWait.TotalMilliseconds > int.MaxValue)
            throw new ArgumentException($"MaxWait must be at most {int.MaxValue} ms, but is {MaxWait}.", nameof(MaxWait));
        if (QueueCapacity < 1)
            throw new ArgumentException($"QueueCapacity must be at least 1, but is {QueueCapacity}.", nameof(QueueCapacity));
        if (MaxConcurrentBatches < 1)
            throw new ArgumentException($"MaxConcurrentBatches must be at least 1, but is {MaxConcurrentBatches}.", nameof(MaxConcurrentBatches));
    }
}
