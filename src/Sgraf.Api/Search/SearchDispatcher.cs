using Microsoft.Extensions.Options;
using Sgraf.Api.Batching;
using Sgraf.Api.Configuration;
using Sgraf.Api.Observability;

namespace Sgraf.Api.Search;

/// <summary>
/// Sends searches to the engine: through one dynamic batcher per direction when batching is on (concurrent searches
/// share scoring calls, and up to Sgraf:Batching:MaxConcurrentBatches batches of a direction run at once, sharing the
/// cores through the engine's <see cref="CoreBudget"/>; a full queue refuses with <see cref="BatcherQueueFullException"/>),
/// or straight through when off. Shortlist searches skip the batcher unless Sgraf:Batching:BatchShortlistSearches
/// says otherwise: they share no scoring call, so they take a <see cref="SearchLane"/> with the same bounds instead.
/// Heavy searches (<see cref="TextSearchJob.Heavy"/>) go straight through too: the heavy lane of
/// <see cref="SearchAdmission"/> already bounds how many run, and in the batcher they would hold up the light ones.
/// </summary>
public sealed class SearchDispatcher : ISearchService, IAsyncDisposable
{
    readonly SearchEngine engine;
    readonly DynamicBatcher<TextSearchJob, IReadOnlyList<QueryResult>>? textBatcher;
    readonly DynamicBatcher<ImageSearchJob, IReadOnlyList<QueryResult>>? imageBatcher;
    readonly SearchLane? shortlistLane;

    public SearchDispatcher(SearchEngine engine, IOptions<SgrafServiceOptions> options, BatcherMetrics metrics)
    {
        this.engine = engine;
        var batching = options.Value.Batching;
        if (!batching.Enabled) return;
        int concurrentBatches = batching.MaxConcurrentBatches == 0 ? Environment.ProcessorCount : batching.MaxConcurrentBatches;
        var batcherOptions = new BatcherOptions(batching.MaxBatchSize, TimeSpan.FromMilliseconds(batching.MaxWaitMilliseconds), batching.QueueCapacity,
            concurrentBatches);
        if (!batching.BatchShortlistSearches) shortlistLane = new SearchLane(concurrentBatches, batching.QueueCapacity);
        textBatcher = new(batcherOptions, (jobs, _) => Task.FromResult(engine.TextToImage(jobs)), j => j.Weight, metrics.For("text-to-image"));
        imageBatcher = new(batcherOptions, (jobs, _) => Task.FromResult(engine.ImageToText(jobs)), j => j.Weight, metrics.For("image-to-text"));
    }

    public bool Batching => textBatcher is not null;

    public Task<IReadOnlyList<QueryResult>> TextToImageAsync(TextSearchJob job, CancellationToken cancellationToken) =>
        job.Heavy || textBatcher is null ? Task.FromResult(engine.TextToImage([job])[0])
        : job.Shortlist is not null && shortlistLane is not null ? shortlistLane.RunAsync(() => engine.TextToImage([job])[0], cancellationToken)
        : textBatcher.SubmitAsync(job, cancellationToken);

    public Task<IReadOnlyList<QueryResult>> ImageToTextAsync(ImageSearchJob job, CancellationToken cancellationToken) =>
        job.Heavy || imageBatcher is null ? Task.FromResult(engine.ImageToText([job])[0])
        : job.Shortlist is not null && shortlistLane is not null ? shortlistLane.RunAsync(() => engine.ImageToText([job])[0], cancellationToken)
        : imageBatcher.SubmitAsync(job, cancellationToken);

    // One process holds the whole gallery: there is no shard to miss, so a partial answer never arises.
    async Task<SearchOutcome> ISearchService.TextToImageAsync(TextSearchJob job, bool allowPartial, CancellationToken cancellationToken) =>
        new(await TextToImageAsync(job, cancellationToken));

    async Task<SearchOutcome> ISearchService.ImageToTextAsync(ImageSearchJob job, bool allowPartial, CancellationToken cancellationToken) =>
        new(await ImageToTextAsync(job, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        if (textBatcher is not null) await textBatcher.DisposeAsync();
        if (imageBatcher is not null) await imageBatcher.DisposeAsync();
    }
}
