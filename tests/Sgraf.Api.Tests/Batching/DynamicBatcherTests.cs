using System.Diagnostics;
using Sgraf.Api.Batching;

namespace Sgraf.Api.Tests.Batching;

// Batching is asserted through counts, with a long MaxWait so batches are sent because they are full,
// or with batches held at the stub's gate; no assertion depends on how fast a loaded machine runs.
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_lone_request_is_scored_alone_once_max_wait_has_passed()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxWait: TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();

        var answer = await batcher.SubmitAsync(21).WaitAsync(Patience);

        Assert.Equal(42, answer);
        Assert.Equal([[21]], stub.Batches);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(90), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Concurrent_requests_are_scored_in_one_batch_and_each_caller_gets_its_own_answer()
    {
        var stub = new ScoringStub();
        var metrics = new RecordingMetrics();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 10, metrics: metrics);

        var answers = await Task.WhenAll(Enumerable.Range(1, 10).Select(x => Task.Run(() => batcher.SubmitAsync(x)))).WaitAsync(Patience);

        var batch = Assert.Single(stub.Batches);
        Assert.Equal(Enumerable.Range(1, 10), batch.Order());
        Assert.Equal(Enumerable.Range(1, 10).Select(x => x * 2), answers);
        Assert.Equal([(10, 10)], metrics.Batches);
        Assert.Equal(10, metrics.QueueWaits.Count);
        Assert.All(metrics.QueueWaits, wait => Assert.True(wait >= TimeSpan.Zero));
    }

    [Fact]
    public async Task Requests_queued_while_the_worker_is_busy_form_the_next_batch()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 1 + 5, maxWait: TimeSpan.FromMilliseconds(50));
        stub.Hold();
        var first = batcher.SubmitAsync(100);
        await stub.Started.WaitAsync(Patience);

        var queued = Enumerable.Range(1, 5).Select(x => batcher.SubmitAsync(x)).ToList();
        stub.Release();

        Assert.Equal(200, await first.WaitAsync(Patience));
        Assert.Equal(new[] { 2, 4, 6, 8, 10 }, await Task.WhenAll(queued).WaitAsync(Patience));
        Assert.Equal([[100], [1, 2, 3, 4, 5]], stub.Batches);
    }

    [Fact]
    public async Task Max_batch_size_splits_a_burst_into_full_batches_in_arrival_order()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 4);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(x => batcher.SubmitAsync(x)).ToList()).WaitAsync(Patience);

        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7]], stub.Batches);
        Assert.Equal(Enumerable.Range(0, 8).Select(x => x * 2), answers);
    }

    [Fact]
    public async Task A_weight_budget_counts_queries_not_requests()
    {
        var stub = new ScoringStub();
        var metrics = new RecordingMetrics();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 10, weigh: x => x, metrics: metrics);

        var answers = await Task.WhenAll(new[] { 3, 4, 3, 6, 4, 12 }.Select(x => batcher.SubmitAsync(x)).ToList()).WaitAsync(Patience);

        // 6 + 4 fills the second batch; a request heavier than the budget runs alone rather than never.
        Assert.Equal([[3, 4, 3], [6, 4], [12]], stub.Batches);
        Assert.Equal([(3, 10), (2, 10), (1, 12)], metrics.Batches);
        Assert.Equal([6, 8, 6, 12, 8, 24], answers);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_does_not_grow()
    {
        var stub = new ScoringStub();
        var metrics = new RecordingMetrics();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 1, queueCapacity: 2, metrics: metrics);
        stub.Hold();
        var running = batcher.SubmitAsync(1);
        await stub.Started.WaitAsync(Patience);
        var queued = new[] { batcher.SubmitAsync(2), batcher.SubmitAsync(3) };

        for (var i = 0; i < 100; i++)
        {
            var refusal = await Assert.ThrowsAsync<BatcherQueueFullException>(() => batcher.SubmitAsync(4));
            Assert.Equal(2, refusal.Capacity);
        }

        Assert.Equal(2, batcher.QueuedCount);
        Assert.Equal(100, metrics.Rejections);
        stub.Release();
        Assert.Equal(new[] { 2, 4, 6 }, await Task.WhenAll(queued.Prepend(running)).WaitAsync(Patience));
        Assert.Equal(10, await batcher.SubmitAsync(5).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_failing_batch_fails_only_its_own_requests()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 2);

        var failed = new[] { batcher.SubmitAsync(-1), batcher.SubmitAsync(1) };
        foreach (var request in failed)
            Assert.Equal("scoring failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => request.WaitAsync(Patience))).Message);

        Assert.Equal(new[] { 4, 6 }, await Task.WhenAll(batcher.SubmitAsync(2), batcher.SubmitAsync(3)).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_wrong_number_of_results_fails_the_batch_with_a_clear_message()
    {
        await using var batcher = new DynamicBatcher<int, int>(
            new BatcherOptions(1, TimeSpan.Zero, 4), (_, _) => Task.FromResult<IReadOnlyList<int>>([]));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.SubmitAsync(1).WaitAsync(Patience));

        Assert.Contains("returned 0 results for a batch of 1", error.Message);
    }

    [Fact]
    public async Task A_request_cancelled_before_its_batch_starts_is_never_scored()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 2);
        stub.Hold();
        var running = new[] { batcher.SubmitAsync(1), batcher.SubmitAsync(2) };
        await stub.Started.WaitAsync(Patience);
        using var cancellation = new CancellationTokenSource();
        var cancelled = batcher.SubmitAsync(3, cancellation.Token);
        var kept = new[] { batcher.SubmitAsync(4), batcher.SubmitAsync(5) };

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        stub.Release();

        Assert.Equal(new[] { 2, 4, 8, 10 }, await Task.WhenAll(running.Concat(kept)).WaitAsync(Patience));
        Assert.Equal([[1, 2], [4, 5]], stub.Batches);
    }

    [Fact]
    public async Task A_request_cancelled_while_its_batch_runs_sees_the_cancellation_and_the_rest_of_the_batch_its_answers()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 2);
        stub.Hold();
        using var cancellation = new CancellationTokenSource();
        var cancelled = batcher.SubmitAsync(1, cancellation.Token);
        var other = batcher.SubmitAsync(2);
        await stub.Started.WaitAsync(Patience);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        stub.Release();

        Assert.Equal(4, await other.WaitAsync(Patience));
        Assert.Equal([[1, 2]], stub.Batches);
    }

    [Fact]
    public async Task An_already_cancelled_token_queues_nothing()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.SubmitAsync(1, new CancellationToken(canceled: true)));

        Assert.Equal(0, batcher.QueuedCount);
        Assert.Empty(stub.Batches);
    }

    [Fact]
    public async Task Disposing_stops_the_running_batch_and_fails_every_pending_request()
    {
        var stub = new ScoringStub();
        var batcher = stub.CreateBatcher(maxBatchSize: 1);
        stub.Hold();
        var running = batcher.SubmitAsync(1);
        await stub.Started.WaitAsync(Patience);
        var queued = batcher.SubmitAsync(2);

        await batcher.DisposeAsync().AsTask().WaitAsync(Patience);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running.WaitAsync(Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.SubmitAsync(3));
        Assert.Equal([[1]], stub.Batches);
    }

    [Fact]
    public async Task Disposing_while_a_batch_is_being_gathered_fails_its_requests_without_waiting_for_max_wait()
    {
        var stub = new ScoringStub();
        var batcher = stub.CreateBatcher(maxBatchSize: 10, maxWait: TimeSpan.FromMinutes(10));
        var gathering = batcher.SubmitAsync(1);

        batcher.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => gathering.WaitAsync(Patience));
        Assert.Empty(stub.Batches);
    }

    [Fact]
    public async Task Two_batches_run_at_once_when_two_may_and_the_rest_wait_in_the_queue()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 1, maxConcurrentBatches: 2);
        stub.Hold();

        var requests = new[] { batcher.SubmitAsync(1), batcher.SubmitAsync(2), batcher.SubmitAsync(3) };
        // Both first batches are inside the function while the gate is shut: they run side by side.
        await stub.EnteredAsync(2).WaitAsync(Patience);

        Assert.Equal(2, stub.MostAtOnce);
        Assert.Equal(1, batcher.QueuedCount);
        stub.Release();
        Assert.Equal(new[] { 2, 4, 6 }, await Task.WhenAll(requests).WaitAsync(Patience));
        Assert.Equal(2, stub.MostAtOnce);
    }

    [Fact]
    public async Task With_one_batch_at_a_time_the_next_is_not_gathered_until_the_running_one_ends()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 1, maxConcurrentBatches: 1);
        stub.Hold();

        var requests = new[] { batcher.SubmitAsync(1), batcher.SubmitAsync(2), batcher.SubmitAsync(3) };
        await stub.Started.WaitAsync(Patience);

        // The gatherer holds no slot, so it has not even taken the others from the queue.
        Assert.Equal(2, batcher.QueuedCount);
        stub.Release();
        Assert.Equal(new[] { 2, 4, 6 }, await Task.WhenAll(requests).WaitAsync(Patience));
        Assert.Equal([[1], [2], [3]], stub.Batches);
        Assert.Equal(1, stub.MostAtOnce);
    }

    [Fact]
    public async Task A_batch_function_that_blocks_its_thread_does_not_hold_up_the_next_batch()
    {
        using var gate = new ManualResetEventSlim();
        using var entered = new CountdownEvent(2);
        await using var batcher = new DynamicBatcher<int, int>(new BatcherOptions(1, TimeSpan.Zero, 8, MaxConcurrentBatches: 2), (batch, _) =>
        {
            // As the search dispatcher's is: synchronous work returned as a completed task.
            entered.Signal();
            gate.Wait(Patience);
            return Task.FromResult<IReadOnlyList<int>>([.. batch.Select(x => x * 2)]);
        });

        var requests = new[] { batcher.SubmitAsync(1), batcher.SubmitAsync(2) };

        Assert.True(await Task.Run(() => entered.Wait(Patience)), "the second batch never started while the first blocked");
        gate.Set();
        Assert.Equal(new[] { 2, 4 }, await Task.WhenAll(requests).WaitAsync(Patience));
    }

    [Fact]
    public async Task A_failing_batch_fails_only_its_own_requests_while_another_runs_beside_it()
    {
        var stub = new ScoringStub();
        await using var batcher = stub.CreateBatcher(maxBatchSize: 1, maxConcurrentBatches: 2);
        stub.Hold();
        var failed = batcher.SubmitAsync(-1);
        var kept = batcher.SubmitAsync(2);
        await stub.EnteredAsync(2).WaitAsync(Patience);

        stub.Release();

        Assert.Equal("scoring failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience))).Message);
        Assert.Equal(4, await kept.WaitAsync(Patience));
        Assert.Equal(6, await batcher.SubmitAsync(3).WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposing_cancels_every_running_batch_and_fails_every_unanswered_request()
    {
        var stub = new ScoringStub();
        var batcher = stub.CreateBatcher(maxBatchSize: 1, maxConcurrentBatches: 2);
        stub.Hold();
        var running = new[] { batcher.SubmitAsync(1), batcher.SubmitAsync(2) };
        await stub.EnteredAsync(2).WaitAsync(Patience);
        var queued = batcher.SubmitAsync(3);

        await batcher.DisposeAsync().AsTask().WaitAsync(Patience);

        foreach (var request in running.Append(queued))
            await Assert.ThrowsAsync<ObjectDisposedException>(() => request.WaitAsync(Patience));
        Assert.Equal(new[] { 1, 2 }, stub.Batches.Select(b => Assert.Single(b)).Order());
    }
}
