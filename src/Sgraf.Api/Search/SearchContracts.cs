using System.Text.Json.Nodes;

namespace Sgraf.Api.Search;

/// <summary>Text queries to match against the gallery's images.</summary>
/// <param name="Queries">One or more sentences. <example>["a red circle is left of a blue square"]</example></param>
/// <param name="K">Hits per query, 1 to the configured maximum; 10 when left out. <example>5</example></param>
/// <param name="Model">sgr, saf or sgraf (the mean of both); sgraf when the bundle has both models. <example>sgraf</example></param>
/// <param name="CandidateIds">Search only these gallery image ids; the whole gallery when left out.</param>
public sealed record TextToImageRequest(IReadOnlyList<string>? Queries, int? K, string? Model, IReadOnlyList<string>? CandidateIds);

/// <summary>Image queries to match against the gallery's captions.</summary>
/// <param name="Queries">One or more images: each a gallery image id, or region features as in an image add.</param>
/// <param name="K">Hits per query, 1 to the configured maximum; 10 when left out. <example>5</example></param>
/// <param name="Model">sgr, saf or sgraf; sgraf when the bundle has both models. <example>sgraf</example></param>
/// <param name="CandidateIds">Search only these gallery caption ids; the whole gallery when left out.</param>
public sealed record ImageToTextRequest(IReadOnlyList<ImageQuery>? Queries, int? K, string? Model, IReadOnlyList<string>? CandidateIds);

/// <summary>An image to search with: exactly one of a gallery id or region features.</summary>
/// <param name="Id">A gallery image id. <example>shapes-test-000000</example></param>
/// <param name="Regions">36 arrays of img_dim finite floats.</param>
/// <param name="RegionsBase64">36 × img_dim little-endian float32 values, base64.</param>
public sealed record ImageQuery(string? Id, float[][]? Regions, string? RegionsBase64);

/// <summary>Hits for every query, in query order.</summary>
/// <param name="Model">The model that scored: sgr, saf or sgraf.</param>
/// <param name="Results">One entry per query.</param>
public sealed record SearchResponse(string Model, IReadOnlyList<QueryResult> Results);

/// <summary>The best hits for one query, best first (ties broken by id).</summary>
/// <param name="Query">The query's index in the request.</param>
/// <param name="Hits">At most k hits.</param>
public sealed record QueryResult(int Query, IReadOnlyList<SearchHit> Hits);

/// <summary>One gallery item and its similarity score (higher is more similar).</summary>
/// <param name="Id">Gallery id of the image or caption.</param>
/// <param name="Score">The model's score, as the official evaluation computes it.</param>
/// <param name="Text">For captions: the caption text.</param>
/// <param name="Metadata">The item's metadata, if it has any.</param>
public sealed record SearchHit(string Id, double Score, string? Text, JsonObject? Metadata);
