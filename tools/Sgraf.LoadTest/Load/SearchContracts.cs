using System.Text.Json.Serialization;

namespace Sgraf.LoadTest.Load;

// The members of the service's search contract that the load tool sends and reads, named as in
// src/Sgraf.Api/Search/SearchContracts.cs. Mirrored rather than referenced: the tool measures services of other
// versions too (answers without modes, from before the shortlist), which the Api's non-null members would refuse;
// the JSON is the contract, and members the benchmark does not use (candidate ids, hit metadata) are left out.

/// <summary>The body of <c>POST /search/text-to-image</c>; a null mode or shortlist is not sent, so the service's default applies.</summary>
internal sealed record TextToImageRequest(
    IReadOnlyList<string> Queries, int K, string Model,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Mode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Shortlist);

/// <summary>A search's answer. <paramref name="Mode"/> is the mode that ran (exact or shortlist), null from a service that predates modes.</summary>
internal sealed record SearchResponse(string? Model, string? Mode, int? Shortlist, IReadOnlyList<QueryResult>? Results);

/// <param name="Reranked">How many items the hits were chosen from by the exact score; 0 from a service that predates modes.</param>
internal sealed record QueryResult(int Query, int Reranked, IReadOnlyList<SearchHit>? Hits);

internal sealed record SearchHit(string Id, double Score);

/// <summary>The search modes of the service (<c>Sgraf.Api.Search.SearchModes</c>), and how bench-api names the service's default.</summary>
internal static class SearchModes
{
    public const string Exact = "exact";
    public const string Shortlist = "shortlist";
    public const string Auto = "auto";

    /// <summary>No mode sent: whatever the service does by default (auto). Also the mode of results written before modes existed.</summary>
    public const string Default = "default";

    /// <summary>The modes a request may name, and <see cref="Default"/>.</summary>
    public static readonly string[] All = [Default, Exact, Shortlist, Auto];

    /// <summary>What a run's mode is called in tables: its name, or <see cref="Default"/> for null.</summary>
    public static string Name(string? mode) => mode ?? Default;

    /// <summary>Whether a request in this mode may carry a shortlist size: the service refuses one with mode exact.</summary>
    public static bool TakesShortlist(string? mode) => mode is Shortlist or Auto;

    /// <summary>
    /// Why an answer's mode is not the one asked for, or null when it is: exact must run exact, shortlist must run
    /// shortlist (with the size sent, if one was); auto and the default may run either.
    /// </summary>
    public static string? Mismatch(string? asked, int? shortlistSent, SearchResponse answer)
    {
        if (asked is not (Exact or Shortlist)) return null;
        var ran = answer.Mode ?? "no mode (a service without search modes?)";
        if (ran != asked) return $"mode mismatch: asked {asked}, the service ran {ran}";
        if (asked == Shortlist && shortlistSent is { } sent && answer.Shortlist != sent)
            return $"mode mismatch: asked a shortlist of {sent}, the service used {answer.Shortlist?.ToString() ?? "none"}";
        return null;
    }
}
