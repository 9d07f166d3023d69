using Sgraf.Api.Search;

namespace Sgraf.Api.Tests.Search;

public sealed class SearchCostTests
{
    const int Overhead = SearchCost.PairOverheadTokens;

    [Fact]
    public void An_exact_text_search_costs_queries_times_images_times_models_times_tokens_a_pair()
    {
        // "a red circle ." reads as <start> a red circle . <end>: 6 tokens; "two blue squares" 5.
        var cost = SearchCost.TextToImage(["a red circle .", "two blue squares"], items: 500, shortlist: null, SearchModel.Sgraf, k: 10);

        Assert.Equal((2, 500L, 2, 5.5 + Overhead, 0L, 20L), (cost.Queries, cost.PairsPerQuery, cost.Models, cost.TokensPerPair, cost.Ranked, cost.Hits));
        Assert.Equal((long)(2 * 500 * 2 * (5.5 + Overhead)), cost.Work);
    }

    [Fact]
    public void Longer_queries_cost_more_in_proportion_to_their_tokens()
    {
        var words = string.Join(' ', Enumerable.Repeat("a red circle", 100));
        var shortQuery = SearchCost.TextToImage(["a red circle"], 500, null, SearchModel.Sgraf, 10);
        var longQuery = SearchCost.TextToImage([words], 500, null, SearchModel.Sgraf, 10);

        Assert.Equal(3 + 2 + Overhead, shortQuery.TokensPerPair);
        Assert.Equal(300 + 2 + Overhead, longQuery.TokensPerPair);
        Assert.Equal(longQuery.TokensPerPair / shortQuery.TokensPerPair, (double)longQuery.Work / shortQuery.Work, 6);
    }

    [Fact]
    public void One_model_costs_half_of_sgraf()
    {
        var sgraf = SearchCost.TextToImage(["a red circle"], 500, null, SearchModel.Sgraf, 10);
        var sgr = SearchCost.TextToImage(["a red circle"], 500, null, SearchModel.Sgr, 10);
        var saf = SearchCost.TextToImage(["a red circle"], 500, null, SearchModel.Saf, 10);

        Assert.Equal((1, 1), (sgr.Models, saf.Models));
        Assert.Equal(sgraf.Work, 2 * sgr.Work);
        Assert.Equal(sgr.Work, saf.Work);
    }

    [Fact]
    public void A_shortlist_search_scores_the_shortlist_and_ranks_every_item_searched()
    {
        var cost = SearchCost.TextToImage(["a red circle"], items: 100_000, shortlist: 200, SearchModel.Sgraf, k: 10);

        Assert.Equal((200L, 100_000L), (cost.PairsPerQuery, cost.Ranked));
        Assert.Equal((long)Math.Ceiling(200 * 2 * (5.0 + Overhead)) + 100_000 / SearchCost.RankedPerUnit, cost.Work);
        // Far below exact mode over the same images.
        Assert.True(cost.Work * 100 < SearchCost.TextToImage(["a red circle"], 100_000, null, SearchModel.Sgraf, 10).Work);
    }

    [Fact]
    public void A_shortlist_larger_than_the_items_searched_scores_each_item_once()
    {
        var cost = SearchCost.TextToImage(["a red circle"], items: 50, shortlist: 200, SearchModel.Sgraf, k: 10);

        Assert.Equal(50, cost.PairsPerQuery);
    }

    [Fact]
    public void Hits_are_queries_times_k_or_the_items_ranked_when_fewer()
    {
        Assert.Equal(64L * 500, SearchCost.TextToImage([.. Enumerable.Repeat("a red circle", 64)], 500, null, SearchModel.Sgraf, 1000).Hits);
        Assert.Equal(64L * 100, SearchCost.TextToImage([.. Enumerable.Repeat("a red circle", 64)], 500, null, SearchModel.Sgraf, 100).Hits);
        Assert.Equal(3L * 200, SearchCost.ImageToText(3, 10_000, 12, 200, SearchModel.Sgraf, 1000).Hits);
    }

    [Fact]
    public void An_image_search_costs_by_the_gallery_captions_tokens()
    {
        var cost = SearchCost.ImageToText(queries: 4, items: 2500, captionTokens: 9.5, shortlist: null, SearchModel.Sgr, k: 10);

        Assert.Equal((4, 2500L, 1, 9.5 + Overhead), (cost.Queries, cost.PairsPerQuery, cost.Models, cost.TokensPerPair));
        Assert.Equal((long)Math.Ceiling(4 * 2500 * (9.5 + Overhead)), cost.Work);
    }
}
