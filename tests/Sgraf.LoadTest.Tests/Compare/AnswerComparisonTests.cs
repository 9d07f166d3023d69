using Sgraf.LoadTest.Compare;

namespace Sgraf.LoadTest.Tests.Compare;

public sealed class AnswerComparisonTests
{
    const double Tolerance = 1e-5;

    static AnswerHit[] Hits(params (string Id, double Score)[] hits) => [.. hits.Select(h => new AnswerHit(h.Id, h.Score))];

    static string? Difference(AnswerHit[] a, AnswerHit[] b, int k = 3) => AnswerComparison.Difference(a, b, k, Tolerance);

    [Fact]
    public void The_same_hits_in_the_same_order_with_scores_within_the_tolerance_are_equal()
    {
        var a = Hits(("x", 0.9), ("y", 0.8), ("z", 0.7));
        Assert.Null(Difference(a, a));
        Assert.Null(Difference(a, Hits(("x", 0.9 + 4e-6), ("y", 0.8 - 9e-6), ("z", 0.7))));
        Assert.Equal(9e-6, AnswerComparison.LargestScoreDifference(a, Hits(("x", 0.9 + 4e-6), ("y", 0.8 - 9e-6), ("z", 0.7))), 1e-12);
    }

    [Fact]
    public void A_score_further_off_than_the_tolerance_is_a_difference_that_names_the_rank()
    {
        var why = Difference(Hits(("x", 0.9), ("y", 0.8), ("z", 0.7)), Hits(("x", 0.9), ("y", 0.8 + 2e-5), ("z", 0.7)));

        Assert.NotNull(why);
        Assert.StartsWith("rank 2:", why);
    }

    [Fact]
    public void Two_hits_may_swap_places_only_when_their_scores_are_within_the_tolerance()
    {
        Assert.Null(Difference(Hits(("x", 0.9), ("y", 0.800003), ("z", 0.800001)), Hits(("x", 0.9), ("z", 0.800002), ("y", 0.800001))));

        var why = Difference(Hits(("x", 0.9), ("y", 0.8), ("z", 0.7)), Hits(("y", 0.9), ("x", 0.8), ("z", 0.7)));
        Assert.NotNull(why);
        Assert.StartsWith("rank 1: A has 'x' (0.9), B has 'y' (0.9)", why);
    }

    [Fact]
    public void Another_hit_at_the_cut_off_is_equal_only_as_a_tie_with_the_last_hit_of_a_full_answer()
    {
        var a = Hits(("x", 0.9), ("y", 0.8), ("z", 0.7));
        Assert.Null(Difference(a, Hits(("x", 0.9), ("y", 0.8), ("w", 0.700004))));
        Assert.NotNull(Difference(a, Hits(("x", 0.9), ("y", 0.8), ("w", 0.700004)), k: 5));   // not full: every hit must be there
        Assert.StartsWith("rank 3:", Difference(a, Hits(("x", 0.9), ("y", 0.8), ("w", 0.69998))) ?? "equal");
        // Another hit of the same score in the middle: the one it replaced is missing, far above the cut-off.
        Assert.Contains("'y' is missing from the other answer, whose last hit scores 0.7", Difference(a, Hits(("x", 0.9), ("w", 0.8), ("z", 0.7))) ?? "equal");
    }

    [Fact]
    public void Answers_of_different_lengths_differ()
    {
        Assert.Equal("A has 2 hits, B has 3", Difference(Hits(("x", 0.9), ("y", 0.8)), Hits(("x", 0.9), ("y", 0.8), ("z", 0.7))));
        Assert.Null(Difference([], []));
    }
}
