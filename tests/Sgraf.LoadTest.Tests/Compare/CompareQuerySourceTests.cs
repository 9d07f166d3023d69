using Sgraf.LoadTest.Compare;

namespace Sgraf.LoadTest.Tests.Compare;

public sealed class CompareQuerySourceTests
{
    [Fact]
    public void A_seed_draws_the_same_distinct_indices_and_a_smaller_collection_is_drawn_whole()
    {
        var first = CompareQuerySource.Pick(1000, 50, new Random(3));

        Assert.Equal(first, CompareQuerySource.Pick(1000, 50, new Random(3)));
        Assert.NotEqual(first, CompareQuerySource.Pick(1000, 50, new Random(4)));
        Assert.Equal(50, first.Distinct().Count());
        Assert.All(first, i => Assert.InRange(i, 0, 999));
        Assert.Equal(Enumerable.Range(0, 7), CompareQuerySource.Pick(7, 50, new Random(3)).Order());
    }
}
