using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;

namespace Sgraf.Api.Tests.Configuration;

public sealed class BatchingOptionsTests
{
    // The validator the service registers with ValidateDataAnnotations().ValidateOnStart(): a failure stops start-up.
    static ValidateOptionsResult Validate(SgrafServiceOptions options) =>
        new DataAnnotationValidateOptions<SgrafServiceOptions>(null).Validate(null, options);

    [Fact]
    public void Negative_concurrent_batches_stop_start_up_naming_the_setting()
    {
        var options = new SgrafServiceOptions();
        options.Batching.MaxConcurrentBatches = -1;

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains("Sgraf:Batching:MaxConcurrentBatches must be 0 (one per processor) or a count of batches from 1 to 1024", result.FailureMessage);
    }

    [Fact]
    public void The_default_runs_one_batch_per_processor_at_once()
    {
        var options = new SgrafServiceOptions();

        Assert.Equal(0, options.Batching.MaxConcurrentBatches);
        Assert.True(Validate(options).Succeeded);
    }
}
