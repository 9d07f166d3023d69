using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Sgraf.Api.Search;

/// <summary>Text queries to match against the gallery's images.</summary>
/// <param name="Queries">One or more sentences. <example>["a red circle is left of a blue square"]</example></param>
/// <param name="K">Hits per query, 1 to the configured maximum; 10 when left out. <example>5</example></param>
/// <param name="Model">sgr, saf or sgraf (the mean of both); sgraf when the bundle has both models. <example>sgraf</example></param>
/// <param name="CandidateIds">Search only these gallery image ids; the whole gallery when left out.</param>
/// <param name="Mode">exact (score every image searched), shortlist (rank them by the bundle's shortlist head, score the best `shortlist` exactly) or auto: shortlist when the bundle has a head and more than Sgraf:Search:ShortlistAbove images are searched, else exact. auto when left out. <example>auto</example></param>
/// <param name="Shortlist">Candidates per query scored exactly in shortlist mode, 1 to Sgraf:Search:MaxShortlist; Sgraf:Search:DefaultShortlist when left out. Not allowed with mode exact. <example>200</example></param>
/// <param name="AllowPartial">Sharded service only: while some shards recover, answer from the others (the response says which are missing) instead of 503. false when left out.</param>
/// <param name="Metadata">false: hits carry no metadata (shorter answers). true when left out. <example>true</example></param>
/// <param name="MetadataFields">Only these members of each hit's metadata (those it has); every member when left out. <example>["title"]</example></param>
public sealed record TextToImageRequest(IReadOnlyList<string>? Queries, int? K, string? Model, IReadOnlyList<string>? CandidateIds,
    string? Mode, int? Shortlist, bool? AllowPartial = null, bool? Metadata = null, IReadOnlyList<string>? MetadataFields = null);

/// <summary>Image queries to match against the gallery's captions.</summary>
/// <param name="Queries">One or more images: each a gallery image id, or region features as in an image add.</param>
/// <param name="K">Hits per query, 1 to the configured maximum; 10 when left out. <example>5</example></param>
/// <param name="Model">sgr, saf or sgraf; sgraf when the bundle has both models. <example>sgraf</example></param>
/// <param name="CandidateIds">Search only these gallery caption ids; the whole gallery when left out.</param>
/// <param name="Mode">exact, shortlist or auto, as for text-to-image, counting the captions searched. <example>auto</example></param>
/// <param name="Shortlist">Candidates per query scored exactly in shortlist mode, as for text-to-image. <example>200</example></param>
/// <param name="AllowPartial">As for text-to-image.</param>
/// <param name="Metadata">As for text-to-image. <example>true</example></param>
/// <param name="MetadataFields">As for text-to-image. <example>["title"]</example></param>
public sealed record ImageToTextRequest(IReadOnlyList<ImageQuery>? Queries, int? K, string? Model, IReadOnlyList<string>? CandidateIds,
    string? Mode, int? Shortlist, bool? AllowPartial = null, bool? Metadata = null, IReadOnlyList<string>? MetadataFields = null);

/// <summary>An image to search with: exactly one of a gallery id or region features.</summary>
/// <param name="Id">A gallery image id. <example>shapes-test-000000</example></param>
/// <param name="Regions">36 arrays of img_dim finite floats.</param>
/// <param name="RegionsBase64">36 × img_dim little-endian float32 values, base64.</param>
public sealed record ImageQuery(string? Id, float[][]? Regions, string? RegionsBase64);

/// <summary>Hits for every query, in query order.</summary>
/// <param name="Model">The model that scored: sgr, saf or sgraf.</param>
/// <param name="Mode">The mode that ran: exact or shortlist (never auto).</param>
/// <param name="Shortlist">Candidates per query scored exactly in shortlist mode; null in exact mode.</param>
/// <param name="Results">One entry per query.</param>
/// <param name="Partial">Sharded service only: true when some shards did not answer (see MissingShards), so hits from their items are missing; left out on a single node.</param>
/// <param name="MissingShards">The shards that did not answer a partial search; left out when none.</param>
public sealed record SearchResponse(string Model, string Mode, int? Shortlist, IReadOnlyList<QueryResult> Results,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Partial = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? MissingShards = null);

/// <summary>The best hits for one query, best first (ties broken by id).</summary>
/// <param name="Query">The query's index in the request.</param>
/// <param name="Reranked">How many items the hits were chosen from by the model's exact score: every item searched in exact mode, the smaller of shortlist and the items searched in shortlist mode.</param>
/// <param name="Hits">At most k hits.</param>
/// <param name="UnknownWords">Text queries only: the query's words that the model's vocabulary does not hold (it reads each as &lt;unk&gt;), each once, in query order; empty when it knows them all. Hits for a query of unknown words are ranked on what is left. Left out for image queries.</param>
public sealed record QueryResult(int Query, int Reranked, IReadOnlyList<SearchHit> Hits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? UnknownWords = null);

/// <summary>One gallery item and its similarity score (higher is more similar).</summary>
/// <param name="Id">Gallery id of the image or caption.</param>
/// <param name="Score">The model's exact score of the pair, as the official evaluation computes it (in every mode).</param>
/// <param name="Text">For captions: the caption text.</param>
/// <param name="Metadata">The item's metadata, if it has any.</param>
public sealed record SearchHit(string Id, double Score, string? Text, JsonObject? Metadata);
