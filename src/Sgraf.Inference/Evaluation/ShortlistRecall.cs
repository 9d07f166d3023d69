namespace Sgraf.Inference.Evaluation;

/// <summary>
/// How well a first stage (the shortlist head's dot products) keeps what the exact model ranks highest: for one
/// query, the fraction of the exact top <c>m</c> that the first stage's top <c>k</c> contains. Rankings are the
/// official order (<see cref="RankingOrder"/>), ties included.
/// </summary>
public static class ShortlistRecall
{
    /// <param name="exact">The exact model's scores of every gallery item for this query.</param>
    /// <param name="firstStage">The first stage's scores of the same items, in the same order.</param>
    /// <param name="m">How many of the exact ranking's best must be kept (10 for "the top-10").</param>
    /// <param name="k">The shortlist size.</param>
    public static double Of(ReadOnlySpan<double> exact, ReadOnlySpan<double> firstStage, int m, int k)
    {
        if (exact.Length != firstStage.Length)
            throw new ArgumentException($"{exact.Length} exact scores but {firstStage.Length} first-stage scores");
        var best = RankingOrder.Top(exact, m);
        if (best.Length == 0) return 1;
        var shortlist = new HashSet<int>(RankingOrder.Top(firstStage, k));
        return best.Count(shortlist.Contains) / (double)best.Length;
    }

    /// <summary>
    /// The 0-based position of <paramref name="target"/> in the two-stage ranking: the first stage's top
    /// <paramref name="k"/> reranked by the exact scores, then every other item in first-stage order.
    /// </summary>
    public static int TwoStageRank(ReadOnlySpan<double> exact, ReadOnlySpan<double> firstStage, int k, int target)
    {
        var shortlist = RankingOrder.Top(firstStage, k);
        if (Array.IndexOf(shortlist, target) < 0)
            // Outside the shortlist: after all of it, then in first-stage order, which is its first-stage position.
            return RankingOrder.PositionOf(firstStage, target);
        var position = 0;
        foreach (var item in shortlist)
            if (RankingOrder.Precedes(exact[item], item, exact[target], target)) position++;
        return position;
    }
}
