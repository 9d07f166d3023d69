using Sgraf.Training.Shortlist;

namespace Sgraf.Training.Tests.Shortlist;

public sealed class MinedListsTests
{
    [Fact]
    public void A_list_holds_the_queries_best_allowed_items_by_dot_product_and_its_true_items()
    {
        // Two queries and five gallery items in 2-d; item 3 may not be a candidate (e.g. a second copy of a text).
        float[] queries = [1, 0, 0, 1];
        float[] gallery = [0.9f, 0.1f, 0.2f, 0.8f, 0.5f, 0.5f, 0.95f, 0f, 0.1f, 0.3f];
        var lists = MinedLists.Build(queries, gallery, dim: 2, queries: [1, 0], gallery: [0, 1, 2, 4], candidates: 2,
            truth: q => q == 0 ? [4] : [1]);

        Assert.Equal(2, lists.Count);
        Assert.Equal(1, lists[0].Query);
        Assert.Equal([1, 2], lists[0].Candidates);            // by y: 0.8, 0.5 (item 3 excluded); true item 1 already there
        Assert.Equal(0, lists[1].Query);
        Assert.Equal([0, 2, 4], lists[1].Candidates);         // by x: 0.9, 0.5, then the true item 4 added
    }
}
