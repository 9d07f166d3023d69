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

    /// <summary>0-based position of <paramref name="target"/> among all candidates: how many are ranked before it.</summary>
    public static int PositionOf(int target, int candidates, Func<int, double> score)
    {
        var targetScore = score(target);
        var position = 0;
        for (var c = 0; c < candidates; c++)
        {
            if (c != target && Precedes(score(c), c, targetScore, target)) position++;
        }
        return position;
    }

    /// <summary>The candidate ranked first among <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/>-1.</summary>
    public static int Best(int first, int count, Func<int, double> score)
    {
        var best = first;
        for (var c = first + 1; c < first + count; c++)
        {
            if (Precedes(score(c), c, score(best), best)) best = c;
        }
        return best;
    }

    // double.CompareTo puts NaN below every number; numpy's sort puts it above.
    static int CompareAsNumpy(double x, double y) =>
        double.IsNaN(x) ? (double.IsNaN(y) ? 0 : 1) : double.IsNaN(y) ? -1 : x.CompareTo(y);
}
