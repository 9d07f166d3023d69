using Sgraf.Api.Configuration;
using Sgraf.Api.Tests.Service;

namespace Sgraf.Api.Tests.Configuration;

public sealed class SearchOptionsTests
{
    [Fact]
    public void A_default_shortlist_above_the_maximum_stops_start_up_naming_both_settings()
    {
        var options = new SgrafServiceOptions { BundleDirectory = SgrafServiceFactory.BundlePath };
        options.Search.DefaultShortlist = 300;
        options.Search.MaxShortlist = 100;
        var result = new SgrafServiceOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Sgraf:Search:DefaultShortlist (300) is above Sgraf:Search:MaxShortlist (100)", result.FailureMessage);
    }

    [Fact]
    public void The_defaults_shortlist_above_1000_items_and_rerank_200_of_at_most_5000()
    {
        var search = new SgrafServiceOptions().Search;
        Assert.Equal((1000, 200, 5000), (search.ShortlistAbove, search.DefaultShortlist, search.MaxShortlist));
    }
}
