namespace Sgraf.Inference.Evaluation;

/// <summary>
/// How well a first stage (the shortlist head's dot products) keeps what the exact model ranks highest, and what a
/// two-stage search (the shortlist reranked by the exact scores) returns. Rankings are the official order
/// (<see cref="RankingOrder"/>), ties included.
/// </summary>
/// <remarks>
/// Copies of a caption text must score bit-identically in both stages (one shared encoding, see
/// <c>SgrafRuntime.EncodeTokenIds</c>), so that both rankings order them by index; otherwise which copies make the exact
/// top 10 and which the shortlist would be decided by rounding noise, not by the first stage.
/// </remarks>
public static class ShortlistRecall
{
    /// <summary>The first stage's top <paramref name="k"/> items.</summary>
    public static int[] Shortlist(ReadOnlySpan<double> firstStage, int k) => RankingOrder.Top(firstStage, k);

    /// <summary>The fraction of the exact ranking's best <paramref name="m"/> (10 for "the top-10") inside <paramref name="shortlist"/>.</summary>
    public static double Of(ReadOnlySpan<double> exact, IReadOnlyCollection<int> shortlist, int m)
    {
        var best = RankingOrder.Top(exact, m);
        if (best.Length == 0) return 1;
        var kept = shortlist as ISet<int> ?? new HashSet<int>(shortlist);
        return best.Count(kept.Contains) / (double)best.Length;
    }

    /// <summary>
    /// The 0-based position of <paramref name="target"/> in the two-stage ranking: the shortlist reranked by the exact
    /// scores, then every other item in first-stage order.
    /// </summary>
    public static int TwoStageRank(ReadOnlySpan<double> exact, ReadOnlySpan<double> firstStage, IReadOnlyCollection<int> shortlist, int target)
    {
        var kept = shortlist as ISet<int> ?? new HashSet<int>(shortlist);
        var position = 0;
        if (kept.Contains(target))
        {
            foreach (var item in kept)
                if (RankingOrder.Precedes(exact[item], item, exact[target], target)) position++;
            return position;
        }
        position = kept.Count;
        for (var c = 0; c < firstStage.Length; c++)
            if (!kept.Contains(c) && RankingOrder.Precedes(firstStage[c], c, firstStage[target], target)) position++;
        return position;
    }
}
