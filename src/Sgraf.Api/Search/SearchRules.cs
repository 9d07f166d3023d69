using Sgraf.Api.Configuration;
using Sgraf.Api.Validation;
using Sgraf.Inference.Model;

namespace Sgraf.Api.Search;

/// <summary>The checks of a search's "model", "mode" and "shortlist", and what mode auto picks (Sgraf:Search).</summary>
public sealed class SearchRules(SearchOptions options, bool hasShortlistHead, IReadOnlyList<SimilarityModule> modules)
{
    const string NoHead = "this bundle has no shortlist head; train one with `sgraf train-shortlist` and add it to the bundle with "
        + "`sgraf add-shortlist`, or use mode exact (or auto)";

    /// <summary>The model named (any case), or the bundle's default when none is; an error naming the bundle's models otherwise.</summary>
    public SearchModel Model(string? model, string path, ValidationErrors errors)
    {
        var available = SearchModels.Available(modules);
        if (model is null) return SearchModels.Default(modules);
        var match = available.Where(m => m.Name() == model.ToLowerInvariant()).ToArray();
        if (match.Length == 1) return match[0];
        errors.Add(path, $"is '{model}'; this bundle offers {string.Join(", ", available.Select(m => m.Name()))}");
        return SearchModels.Default(modules);
    }

    /// <summary>
    /// The candidates each query reranks exactly, or null when the search scores every item: mode exact, or auto with no
    /// head or no more than ShortlistAbove items <paramref name="searched"/>.
    /// </summary>
    public int? Shortlist(string? mode, int? shortlist, int searched, ValidationErrors errors)
    {
        if (shortlist is { } given && (given < 1 || given > options.MaxShortlist))
            errors.Add("shortlist", $"is {given}; shortlist must be from 1 to {options.MaxShortlist} (Sgraf:Search:MaxShortlist)");
        int size = shortlist ?? options.DefaultShortlist;
        switch (Normalized(mode))
        {
            case SearchModes.Exact:
                if (shortlist is not null) errors.Add("shortlist", "is given with mode exact, which scores every item searched; leave it out, or use mode shortlist or auto");
                return null;
            case SearchModes.Shortlist:
                if (!hasShortlistHead) errors.Add("mode", $"is 'shortlist', but {NoHead}");
                return size;
            case SearchModes.Auto:
                return hasShortlistHead && searched > options.ShortlistAbove ? size : null;
            default:
                errors.Add("mode", $"is '{mode}'; mode is exact, shortlist or auto");
                return null;
        }
    }

    /// <summary>Whether the bundle has a shortlist head, so that mode shortlist can run.</summary>
    public bool HasShortlistHead => hasShortlistHead;

    /// <summary>
    /// Whether <see cref="Shortlist"/> decides by the number of items searched: only mode auto with a head does, so
    /// only then need a search count its gallery (which a sharded gallery does by asking every shard).
    /// </summary>
    public bool DecidesBySize(string? mode) => hasShortlistHead && Normalized(mode) == SearchModes.Auto;

    static string Normalized(string? mode) => mode?.ToLowerInvariant() ?? SearchModes.Auto;
}
