using Sgraf.Api.Configuration;
using Sgraf.Api.Search;

namespace Sgraf.Api.Validation;

/// <summary>The checks of a search's "mode" and "shortlist", and what mode auto picks (Sgraf:Search).</summary>
public sealed class SearchModeRules(SearchOptions options, bool hasShortlistHead)
{
    const string NoHead = "this bundle has no shortlist head; train one with `sgraf train-shortlist` and add it to the bundle with "
        + "`sgraf add-shortlist`, or use mode exact (or auto)";

    /// <summary>
    /// The candidates each query reranks exactly, or null when the search scores every item: mode exact, or auto with no
    /// head or no more than ShortlistAbove items <paramref name="searched"/>.
    /// </summary>
    public int? Shortlist(string? mode, int? shortlist, int searched, ValidationErrors errors)
    {
        if (shortlist is { } given && (given < 1 || given > options.MaxShortlist))
            errors.Add("shortlist", $"is {given}; shortlist must be from 1 to {options.MaxShortlist} (Sgraf:Search:MaxShortlist)");
        int size = shortlist ?? options.DefaultShortlist;
        switch (mode?.ToLowerInvariant() ?? SearchModes.Auto)
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
}
