namespace Sgraf.Inference.Evaluation;

/// <summary>
/// The order in which a query's candidates are ranked: the official <c>np.argsort(scores)[::-1]</c>, by decreasing
/// score. numpy's default quicksort leaves equal scores in no defined order; we rank them as
/// <c>argsort(kind='stable')[::-1]</c> would, the higher index first, so a tie never depends on sort internals.
/// NaN ranks first, as numpy sorts it after every number.
/// </summary>
static class RankingOrder
{
    /// <summary>True when candidate <paramref name="a"/> (score <paramref name="scoreA"/>) is ranked before candidate <paramref name="b"/>.</summary>
    public static bool Precedes(double scoreA, int a, double scoreB, int b)
    {
        var byScore = CompareAsNumpy(scoreA, scoreB);
        return byScore > 0 || (byScore == 0 && a > b);
    }

    /// <summary>0-based position of candidate <paramref name="target"/> in the ranking of <paramref name="scores"/>.</summary>
    public static int PositionOf(ReadOnlySpan<double> scores, int target)
    {
        var targetScore = scores[target];
        var position = 0;
        for (var c = 0; c < scores.Length; c++)
        {
            if (Precedes(scores[c], c, targetScore, target)) position++;
        }
        return position;
    }

    /// <summary>The candidate ranked first; indices are relative to the span, which keeps their order.</summary>
    public static int Best(ReadOnlySpan<double> scores)
    {
        var best = 0;
        for (var c = 1; c < scores.Length; c++)
        {
            if (Precedes(scores[c], c, scores[best], best)) best = c;
        }
        return best;
    }

    // double.CompareTo puts NaN below every number; numpy's sort puts it above.
    static int CompareAsNumpy(double x, double y) =>
        double.IsNaN(x) ? (double.IsNaN(y) ? 0 : 1) : double.IsNaN(y) ? -1 : x.CompareTo(y);
}
