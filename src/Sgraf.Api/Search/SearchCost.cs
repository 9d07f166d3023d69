using Sgraf.Inference.Text;

namespace Sgraf.Api.Search;

/// <summary>
/// A search's cost, estimated from the request before it runs: <see cref="Work"/>, its exact scoring in units of one
/// caption token of one image–caption pair scored by one model (what the runtime's time grows with), and
/// <see cref="Hits"/>, the hits its answer will hold. An upper bound where the engine shares work: equal queries of one
/// request are scored once in exact mode, but counted each here. Encoding the queries is left out: a caption costs about
/// one pair, an image a few, next to the hundreds of pairs every query scores.
/// </summary>
/// <param name="Queries">Queries in the request.</param>
/// <param name="PairsPerQuery">Items each query scores exactly: every item searched in exact mode, at most the shortlist in shortlist mode.</param>
/// <param name="Models">Models that score each pair: 2 for sgraf, else 1.</param>
/// <param name="TokensPerPair">What a pair costs in tokens: the mean caption tokens (with &lt;start&gt; and &lt;end&gt;) plus <see cref="PairOverheadTokens"/>.</param>
/// <param name="Ranked">Items each query's shortlist first stage ranks by dot product; 0 in exact mode.</param>
/// <param name="Hits">Hits in the answer: queries × min(k, <paramref name="PairsPerQuery"/>).</param>
public sealed record SearchCost(int Queries, long PairsPerQuery, int Models, double TokensPerPair, long Ranked, long Hits)
{
    /// <summary>
    /// What a pair costs beyond its caption's tokens, in tokens. Measured through the service on the demo gallery (exact
    /// text-to-image searches of 10 to 162 tokens a query, <c>sgraf-load bench-admission --scenarios tokens</c>,
    /// docs/benchmarks.md, "Admission by cost"), a pair's time grew by about 2 µs a token from an intercept of 8–20 tokens' worth.
    /// </summary>
    public const int PairOverheadTokens = 12;

    /// <summary>Shortlist vectors the first stage ranks for one unit: a dot product of a few hundred floats is a few percent of a pair-token.</summary>
    public const int RankedPerUnit = 32;

    /// <summary>The estimated units of work.</summary>
    public long Work => (long)Math.Ceiling(Queries * (double)PairsPerQuery * Models * TokensPerPair) + Queries * Ranked / RankedPerUnit;

    /// <summary>Text queries against <paramref name="items"/> images: each query's tokens counted as the encoder will read them.</summary>
    /// <param name="shortlist">The candidates each query reranks exactly, or null in exact mode.</param>
    public static SearchCost TextToImage(IReadOnlyList<string> queries, int items, int? shortlist, SearchModel model, int k) =>
        Of(queries.Count, items, shortlist, model, k, queries.Count == 0 ? 0 : queries.Average(q => CaptionTokenizer.Tokenize(q).Count + 2.0));

    /// <summary>Image queries against <paramref name="items"/> captions of <paramref name="captionTokens"/> tokens on average.</summary>
    public static SearchCost ImageToText(int queries, int items, double captionTokens, int? shortlist, SearchModel model, int k) =>
        Of(queries, items, shortlist, model, k, captionTokens);

    static SearchCost Of(int queries, int items, int? shortlist, SearchModel model, int k, double tokens)
    {
        long pairs = shortlist is { } size ? Math.Min(size, items) : items;
        return new(queries, pairs, model == SearchModel.Sgraf ? 2 : 1, tokens + PairOverheadTokens, shortlist is null ? 0 : items,
            queries * Math.Min(k, pairs));
    }
}
