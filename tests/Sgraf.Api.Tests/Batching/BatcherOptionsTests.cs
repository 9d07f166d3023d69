using Sgraf.Api.Batching;

namespace Sgraf.Api.Tests.Batching;

public sealed class BatcherOptionsTests
{
    [Theory]
    [InlineData(0, 10, 1, 1, "MaxBatchSize must be at least 1")]
    [InlineData(1, -1, 1, 1, "MaxWait must not be negative")]
    [InlineData(1, 10, 0, 1, "QueueCapacity must be at least 1")]
    [InlineData(1, 10, 1, 0, "MaxConcurrentBatches must be at least 1")]
    public void Settings_that_cannot_work_are_refused_with_their_name(int maxBatchSize, int maxWaitMs, int capacity, int concurrent, string message)
    {
        var options = new BatcherOptions(maxBatchSize, TimeSpan.FromMilliseconds(maxWaitMs), capacity, concurrent);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains(message, error.Message);
        Assert.Throws<ArgumentException>(() => new DynamicBatcher<int, int>(options, (b, _) => Task.FromResult<IReadOnlyList<int>>([.. b])));
    }

    [Fact]
    public void Zero_max_wait_is_allowed()
    {
        new BatcherOptions(1, TimeSpan.Zero, 1).Validate();
    }

    [Fact]
    public async Task A_weight_below_one_is_refused()
    {
        await using var batcher = new DynamicBatcher<int, int>(
            new BatcherOptions(4, TimeSpan.Zero, 4), (b, _) => Task.FromResult<IReadOnlyList<int>>([.. b]), weigh: _ => 0);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => batcher.SubmitAsync(1));

        Assert.Contains("weight must be at least 1", error.Message);
    }
}
