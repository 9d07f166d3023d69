using Sgraf.Inference;
using Sgraf.Training.Model;
using Sgraf.Training.Training;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Training;

public sealed class RecipeOptionsTests : IClassFixture<FixtureTrainingData>
{
    readonly FixtureTrainingData fixture;

    public RecipeOptionsTests(FixtureTrainingData fixture) => this.fixture = fixture;

    [Fact]
    public void Warm_up_epochs_sum_over_negatives_before_the_hardest_negative_applies()
    {
        var options = new TrainingOptions { MaxViolation = true, WarmupEpochs = 2 };
        Assert.Equal([false, false, true, true], Enumerable.Range(0, 4).Select(options.MaxViolationAt));
        Assert.False(new TrainingOptions { MaxViolation = false, WarmupEpochs = 1 }.MaxViolationAt(5));
        Assert.True(new TrainingOptions().MaxViolationAt(0));
        var error = Assert.Throws<InvalidInputException>(() => (options with { WarmupEpochs = -1 }).Validate());
        Assert.Contains("--warmup-epochs", error.Message);
    }

    [Fact]
    public void Standardisation_folded_into_the_image_fc_equals_the_fc_applied_to_standardised_regions()
    {
        var train = fixture.Data.Train;
        var config = FixtureTrainingData.SmallOptions().ModelConfig(train.ImageDim, fixture.Data.Vocabulary.Count);
        random.manual_seed(3);
        using var model = new SgrafModel(config);
        var fc = model.ImageEncoder.FirstLayer;
        using var weight = fc.weight!.detach().clone();
        using var bias = fc.bias!.detach().clone();

        ImageStandardisation.Fold(model, train);

        var (mean, std) = ImageStandardisation.Statistics(train);
        using var regions = tensor(train.ImageFeatures, [train.ImageFeatures.Length / train.ImageDim, train.ImageDim]);
        using var standardised = (regions - tensor(mean.Select(m => (float)m).ToArray())) / tensor(std.Select(s => (float)s).ToArray());
        using var expected = TorchSharp.torch.nn.functional.linear(standardised, weight, bias);
        using var folded = fc.forward(regions);
        Assert.True(allclose(folded, expected, rtol: 1e-4, atol: 1e-4), $"max |d| {(folded - expected).abs().max().item<float>()}");
        // The point of it: over the training regions the first layer's outputs now average to the old bias (zero at init).
        using var meanOutput = folded.mean([0]);
        Assert.True(allclose(meanOutput, bias, atol: 1e-4), $"max |mean - b| {(meanOutput - bias).abs().max().item<float>()}");
    }
}
