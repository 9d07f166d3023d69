namespace Sgraf.Api.Search;

/// <summary>A search's answers, and the shards that could not answer when a partial answer was allowed (else null).</summary>
public sealed record SearchOutcome(IReadOnlyList<QueryResult> Results, IReadOnlyList<int>? MissingShards = null);

/// <summary>
/// Runs validated searches: on this process's gallery (<see cref="SearchDispatcher"/>) or fanned out to the shards
/// that hold it and merged (Cluster/ShardedSearch). Either way every score is the model's exact score.
/// </summary>
public interface ISearchService
{
    /// <param name="allowPartial">
    /// Sharded only: answer from the shards that can, naming the others, rather than refuse with 503 while some recover.
    /// </param>
    Task<SearchOutcome> TextToImageAsync(TextSearchJob job, bool allowPartial, CancellationToken cancellationToken);

    Task<SearchOutcome> ImageToTextAsync(ImageSearchJob job, bool allowPartial, CancellationToken cancellationToken);
}
