using Sgraf.Inference.Evaluation;

namespace Sgraf.Inference.Tests.Evaluation;

public sealed class ShortlistRecallTests
{
    [Fact]
    public void Top_is_the_first_k_of_the_official_order_ties_by_higher_index()
    {
        var random = new Random(4);
        // Values drawn from a handful, so ties are everywhere.
        var scores = Enumerable.Range(0, 500).Select(_ => (double)random.Next(7)).ToArray();
        var full = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenByDescending(i => i).ToArray();
        foreach (var k in new[] { 0, 1, 10, 77, 500, 900 })
            Assert.Equal(full.Take(k), RankingOrder.Top(scores, k));
    }

    [Fact]
    public void Recall_is_the_fraction_of_the_exact_best_inside_the_shortlist()
    {
        double[] exact = [0.9, 0.1, 0.8, 0.7, 0.2];     // exact best 3: items 0, 2, 3
        double[] first = [0.5, 0.9, 0.4, 0.1, 0.8];     // first stage's top 3: items 1, 4, 0
        var shortlist = ShortlistRecall.Shortlist(first, 3);
        Assert.Equal([1, 4, 0], shortlist);
        Assert.Equal(1 / 3.0, ShortlistRecall.Of(exact, shortlist, 3), 12);
        Assert.Equal(1.0, ShortlistRecall.Of(exact, ShortlistRecall.Shortlist(first, 5), 3));
    }

    [Fact]
    public void The_two_stage_ranking_is_the_shortlist_by_exact_score_then_the_rest_in_first_stage_order()
    {
        double[] exact = [0.9, 0.1, 0.8, 0.7, 0.2];
        double[] first = [0.5, 0.9, 0.4, 0.1, 0.8];
        var shortlist = ShortlistRecall.Shortlist(first, 3);
        // Shortlist {1, 4, 0} by exact score: 0, 4, 1; then the others by first-stage score: 2, 3.
        int[] ranks = [0, 2, 3, 4, 1];
        Assert.Equal(ranks, Enumerable.Range(0, 5).Select(t => ShortlistRecall.TwoStageRank(exact, first, shortlist, t)));
    }
}
