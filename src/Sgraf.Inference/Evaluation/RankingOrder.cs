namespace Sgraf.Inference.Evaluation;

/// <summary>
/// The order in which a query's candidates are ranked: the official <c>np.argsort(scores)[::-1]</c>, by decreasing
/// score. numpy's default quicksort leaves equal scores in no defined order; we rank them as
/// <c>argsort(kind='stable')[::-1]</c> would, the higher index first, so a tie never depends on sort internals.
/// NaN ranks first, as numpy sorts it after every number.
/// </summary>
public static class RankingOrder
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

    /// <summary>The first <paramref name="k"/> candidates of the ranking of <paramref name="scores"/>, in ranking order.</summary>
    public static int[] Top(ReadOnlySpan<double> scores, int k)
    {
        k = Math.Min(k, scores.Length);
        if (k <= 0) return [];
        // A heap of the k best so far with the worst on top: O(n log k), no full sort of a 10^5-item gallery.
        var worstFirst = new PriorityQueue<int, (double Score, int Index)>(k + 1, WorstFirst.Instance);
        for (var c = 0; c < scores.Length; c++)
        {
            if (worstFirst.Count < k) worstFirst.Enqueue(c, (scores[c], c));
            else if (worstFirst.TryPeek(out var worst, out var worstKey) && Precedes(scores[c], c, worstKey.Score, worst))
                worstFirst.DequeueEnqueue(c, (scores[c], c));
        }
        var top = new int[worstFirst.Count];
        for (var i = top.Length - 1; i >= 0; i--) top[i] = worstFirst.Dequeue();
        return top;
    }

    sealed class WorstFirst : IComparer<(double Score, int Index)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((double Score, int Index) a, (double Score, int Index) b) =>
            Precedes(a.Score, a.Index, b.Score, b.Index) ? 1 : Precedes(b.Score, b.Index, a.Score, a.Index) ? -1 : 0;
    }

    // double.CompareTo puts NaN below every number; numpy's sort puts it above.
    static int CompareAsNumpy(double x, double y) =>
        double.IsNaN(x) ? (double.IsNaN(y) ? 0 : 1) : double.IsNaN(y) ? -1 : x.CompareTo(y);
}
