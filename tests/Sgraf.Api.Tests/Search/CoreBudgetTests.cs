using Sgraf.Api.Search;

namespace Sgraf.Api.Tests.Search;

public sealed class CoreBudgetTests
{
    [Fact]
    public void A_search_alone_gets_every_core_and_searches_side_by_side_split_them()
    {
        var budget = new CoreBudget(8);
        using var first = budget.Enter();
        Assert.Equal(8, budget.Share);

        using var second = budget.Enter();
        Assert.Equal(4, budget.Share);
        using var third = budget.Enter();
        // Rounded down, so the shares (2 + 2 + 2) never add up to more than the cores.
        Assert.Equal(2, budget.Share);
    }

    [Fact]
    public void More_searches_than_cores_get_one_each_and_leaving_gives_the_cores_back()
    {
        var budget = new CoreBudget(2);
        var searches = Enumerable.Range(0, 5).Select(_ => budget.Enter()).ToList();
        Assert.Equal(1, budget.Share);

        foreach (var search in searches.Skip(1)) search.Dispose();
        searches[1].Dispose(); // a second dispose leaves only once

        Assert.Equal(1, budget.InFlight);
        Assert.Equal(2, budget.Share);
        searches[0].Dispose();
        Assert.Equal((0, 2), (budget.InFlight, budget.Share));
    }

    [Fact]
    public void Concurrent_entries_and_exits_balance()
    {
        var budget = new CoreBudget(4);
        Parallel.For(0, 10_000, _ =>
        {
            using var search = budget.Enter();
            Assert.InRange(budget.Share, 1, 4);
        });
        Assert.Equal(0, budget.InFlight);
    }

    [Fact]
    public void A_budget_of_no_cores_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CoreBudget(0));
    }
}
