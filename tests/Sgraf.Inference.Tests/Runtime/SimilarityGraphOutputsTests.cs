using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Runtime;

/// <summary>
/// Format 3 adds explanation outputs to the similarity graphs without changing what they compute; format 2 bundles
/// keep loading and scoring, and say they cannot explain.
/// </summary>
public sealed class SimilarityGraphOutputsTests(DemoBundles bundles) : IClassFixture<DemoBundles>
{
    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void The_re_exported_graphs_score_bit_for_bit_like_the_format_2_graphs(SimilarityModule module)
    {
        var before = bundles.Format2.Score(bundles.Format2.EncodeImages(bundles.Data.ImageFeatures, bundles.Data.ImageCount),
            bundles.Format2.EncodeCaptions(bundles.Data.Captions), module);
        var after = bundles.Current.Score(bundles.Images, bundles.Captions, module);

        Assert.Equal((DemoBundles.ImageCount, DemoBundles.ImageCount * 5), (after.Images, after.Captions));
        int differing = before.Values.Zip(after.Values).Count(pair => BitConverter.DoubleToInt64Bits(pair.First) != BitConverter.DoubleToInt64Bits(pair.Second));
        Assert.True(differing == 0, $"{differing} of {after.Values.Length} {module} scores differ from the format 2 graph's");
        Assert.True(after.Values.Max() - after.Values.Min() > 0.1, $"the scores should spread, not sit at {after.Values.Min()}..{after.Values.Max()}");
    }

    [Fact]
    public void A_format_2_bundle_loads_and_scores_but_cannot_explain()
    {
        var runtime = bundles.Format2;
        Assert.Equal(2, runtime.Bundle.Manifest.FormatVersion);
        Assert.False(runtime.CanExplain);
        Assert.True(bundles.Current.CanExplain);

        var image = bundles.Images.Select([0]);
        var caption = bundles.Captions.Select([0]);
        var error = Assert.Throws<ExplanationUnavailableException>(() => runtime.Explain(image, caption, SimilarityModule.SGR));
        Assert.Contains("format version 2", error.Message);
        Assert.Contains("sgraf export-onnx", error.Message);
        Assert.Equal(bundles.Format2Directory, error.BundleDirectory);
    }

    [Fact]
    public void A_bundle_that_claims_format_3_without_the_outputs_is_refused_naming_the_graph()
    {
        var directory = Format2Bundle.CopyTo(bundles.Scratch($"claims-3-{Guid.NewGuid():N}"));
        var manifest = Path.Combine(directory, BundleManifest.FileName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"format_version\": 2", "\"format_version\": 3"));

        var error = Assert.Throws<InvalidInputException>(() => SgrafRuntime.Open(directory));
        Assert.Contains(Path.Combine(directory, "sgr.onnx"), error.Message);
        Assert.Contains(BundleManifest.AttentionOutput, error.Message);
    }
}
