using System.Globalization;

namespace Sgraf.LoadTest.Compare;

/// <summary>One hit of an answer as compare-answers reads it: the id and the model's score.</summary>
internal sealed record AnswerHit(string Id, double Score);

/// <summary>
/// Whether two services gave the same answer to one query: the same hits in the same order with the same scores, where
/// "same score" means within a tolerance (the exact model's float32 arithmetic rounds differently when the same pair is
/// scored in another batch, e.g. one shard's against the whole gallery's), and so two hits may swap places, or one may
/// take the other's place at the k-th rank, only when their scores are that close.
/// </summary>
internal static class AnswerComparison
{
    /// <summary>Null when the answers are equal; else the first difference, in words.</summary>
    /// <param name="k">Hits asked for: an answer of k hits ends at a cut-off, where a tie may let in either of two hits.</param>
    public static string? Difference(IReadOnlyList<AnswerHit> a, IReadOnlyList<AnswerHit> b, int k, double tolerance)
    {
        if (a.Count != b.Count) return $"A has {a.Count} hits, B has {b.Count}";
        var scoreInA = ScoresById(a);
        var scoreInB = ScoresById(b);
        for (int rank = 0; rank < a.Count; rank++)
        {
            var (x, y) = (a[rank], b[rank]);
            if (Math.Abs(x.Score - y.Score) > tolerance)
                return $"rank {rank + 1}: A has {Describe(x)}, B has {Describe(y)}: the scores differ by {Number(Math.Abs(x.Score - y.Score))}";
            if (x.Id == y.Id) continue;
            // Different hits at one rank: each must score within the tolerance of the other on the side holding both
            // (a swap of near-ties), or be missing from the other side only by a tie at the cut-off.
            if ((Misplaced(x, scoreInB, b, k, tolerance) ?? Misplaced(y, scoreInA, a, k, tolerance)) is { } why)
                return $"rank {rank + 1}: A has {Describe(x)}, B has {Describe(y)}: {why}";
        }
        foreach (var (id, score) in scoreInA)
            if (scoreInB.TryGetValue(id, out var other) && Math.Abs(score - other) > tolerance)
                return $"'{id}' scores {Number(score)} in A and {Number(other)} in B";
        return null;
    }

    /// <summary>Why <paramref name="hit"/> (of one answer) is not where it may be in <paramref name="other"/>, or null if it is.</summary>
    static string? Misplaced(AnswerHit hit, Dictionary<string, double> scoresInOther, IReadOnlyList<AnswerHit> other, int k, double tolerance)
    {
        if (scoresInOther.TryGetValue(hit.Id, out var there))
            return Math.Abs(there - hit.Score) <= tolerance ? null
                : $"'{hit.Id}' scores {Number(hit.Score)} on one side and {Number(there)} on the other";
        var last = other[^1].Score;
        return other.Count == k && Math.Abs(hit.Score - last) <= tolerance ? null
            : $"'{hit.Id}' is missing from the other answer, whose last hit scores {Number(last)}";
    }

    static Dictionary<string, double> ScoresById(IReadOnlyList<AnswerHit> hits)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var hit in hits) scores.TryAdd(hit.Id, hit.Score);
        return scores;
    }

    /// <summary>The largest score difference of a hit in both answers (0 when none is in both).</summary>
    public static double LargestScoreDifference(IReadOnlyList<AnswerHit> a, IReadOnlyList<AnswerHit> b)
    {
        var scoreInB = ScoresById(b);
        return a.Where(h => scoreInB.ContainsKey(h.Id)).Select(h => Math.Abs(h.Score - scoreInB[h.Id])).DefaultIfEmpty(0).Max();
    }

    static string Describe(AnswerHit hit) => $"'{hit.Id}' ({Number(hit.Score)})";

    static string Number(double value) => value.ToString("G7", CultureInfo.InvariantCulture);
}
