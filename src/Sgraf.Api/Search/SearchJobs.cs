using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Search;

/// <summary>A validated text-to-image search: its queries, k, model, optional candidate image ids, and shortlist size.</summary>
/// <param name="Shortlist">Candidates each query reranks with the model after the shortlist head's first stage; null scores every item.</param>
public sealed record TextSearchJob(IReadOnlyList<string> Queries, int K, SearchModel Model, IReadOnlyList<string>? CandidateIds, int? Shortlist)
{
    public int Weight => Queries.Count;

    /// <summary>
    /// Admitted to the heavy lane (<see cref="SearchAdmission"/>), which bounds how many run at once: scored on its own,
    /// never batched with light searches or queued behind them. Its answer is the same either way.
    /// </summary>
    public bool Heavy { get; init; }

    public string Mode => SearchModes.Ran(Shortlist);
}

/// <summary>A validated image-to-text search.</summary>
public sealed record ImageSearchJob(IReadOnlyList<ImageQueryInput> Queries, int K, SearchModel Model, IReadOnlyList<string>? CandidateIds, int? Shortlist)
{
    public int Weight => Queries.Count;

    /// <summary>As <see cref="TextSearchJob.Heavy"/>.</summary>
    public bool Heavy { get; init; }

    public string Mode => SearchModes.Ran(Shortlist);
}

/// <summary>An image to search with: a gallery image, region features (36 × img_dim) to encode, or an image already encoded.</summary>
/// <param name="Encoded">An encoded image (with its shortlist vector when the search shortlists): how a sharded search passes a query image to each shard.</param>
public sealed record ImageQueryInput(string? GalleryId, float[]? Features, EncodedImage? Encoded = null);
