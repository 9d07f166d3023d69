using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Tests.Service;

namespace Sgraf.Api.Tests.Configuration;

public sealed class AdmissionOptionsTests
{
    static ValidateOptionsResult Validate(SgrafServiceOptions options)
    {
        var annotations = new DataAnnotationValidateOptions<SgrafServiceOptions>(null).Validate(null, options);
        return annotations.Failed ? annotations : new SgrafServiceOptionsValidator().Validate(null, options);
    }

    static SgrafServiceOptions Options(Action<AdmissionOptions> change)
    {
        var options = new SgrafServiceOptions { BundleDirectory = SgrafServiceFactory.BundlePath };
        change(options.Admission);
        return options;
    }

    [Fact]
    public void The_defaults_are_valid_and_bound_cost_hits_and_both_lanes()
    {
        var admission = new AdmissionOptions();
        Assert.Equal((6_000_000L, 10_000, 100_000L, 1, 12_000_000L, 2_000_000L),
            (admission.MaxRequestCost, admission.MaxResponseHits, admission.HeavyAbove, admission.HeavyConcurrency, admission.MaxHeavyCost, admission.MaxLightCost));
        Assert.True(Validate(Options(_ => { })).Succeeded);
    }

    [Fact]
    public void A_heavy_budget_below_the_request_bound_stops_start_up_naming_both()
    {
        var result = Validate(Options(a => a.MaxHeavyCost = 1_000_000));
        Assert.True(result.Failed);
        Assert.Contains("Sgraf:Admission:MaxHeavyCost (1000000) is below Sgraf:Admission:MaxRequestCost (6000000)", result.FailureMessage);
    }

    [Fact]
    public void A_light_budget_below_the_costliest_light_search_stops_start_up()
    {
        var result = Validate(Options(a => a.MaxLightCost = 50_000));
        Assert.True(result.Failed);
        Assert.Contains("Sgraf:Admission:MaxLightCost (50000) is below the costliest light search (100000", result.FailureMessage);
    }

    [Fact]
    public void No_heavy_concurrency_stops_start_up_naming_the_setting()
    {
        var result = Validate(Options(a => a.HeavyConcurrency = 0));
        Assert.True(result.Failed);
        Assert.Contains("HeavyConcurrency", result.FailureMessage);
    }
}
