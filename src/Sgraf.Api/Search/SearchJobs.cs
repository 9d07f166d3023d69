namespace Sgraf.Api.Search;

/// <summary>A validated text-to-image search: its queries, k, model and optional candidate image ids.</summary>
public sealed record TextSearchJob(IReadOnlyList<string> Queries, int K, SearchModel Model, IReadOnlyList<string>? CandidateIds)
{
    public int Weight => Queries.Count;
}

/// <summary>A validated image-to-text search.</summary>
public sealed record ImageSearchJob(IReadOnlyList<ImageQueryInput> Queries, int K, SearchModel Model, IReadOnlyList<string>? CandidateIds)
{
    public int Weight => Queries.Count;
}

/// <summary>An image to search with: a gallery image, or region features (36 × img_dim) to encode.</summary>
public sealed record ImageQueryInput(string? GalleryId, float[]? Features);
