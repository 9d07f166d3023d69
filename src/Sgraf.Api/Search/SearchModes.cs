namespace Sgraf.Api.Search;

/// <summary>
/// How a search picks its hits. exact: every item searched is scored with the model. shortlist: the bundle's shortlist
/// head ranks the items searched by the dot product of their vectors, and only the best K are scored with the model.
/// auto: shortlist when the bundle has a head and the search covers more than Sgraf:Search:ShortlistAbove items.
/// </summary>
public static class SearchModes
{
    public const string Exact = "exact";
    public const string Shortlist = "shortlist";
    public const string Auto = "auto";

    /// <summary>The mode that runs for a job with this shortlist size (null: every item is scored).</summary>
    public static string Ran(int? shortlist) => shortlist is null ? Exact : Shortlist;
}
