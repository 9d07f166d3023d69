using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Inference.Tests.Runtime;

/// <summary>What <see cref="SgrafRuntime.Explain"/> returns on the demo bundle: the pair's score and weights that are distributions.</summary>
public sealed class PairExplanationTests(DemoBundles bundles) : IClassFixture<DemoBundles>
{
    // Sums of 36 (or L + 1) float32 values, each rounded once.
    const double SumTolerance = 1e-6;

    public static TheoryData<SimilarityModule, int, int> Pairs() => new()
    {
        { SimilarityModule.SGR, 0, 0 }, { SimilarityModule.SGR, 3, 17 }, { SimilarityModule.SGR, 39, 199 },
        { SimilarityModule.SAF, 0, 0 }, { SimilarityModule.SAF, 3, 17 }, { SimilarityModule.SAF, 39, 199 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_score_is_the_pairs_score_bit_for_bit_and_agrees_with_a_whole_matrix(SimilarityModule module, int image, int caption)
    {
        var explanation = Explain(module, image, caption);
        var alone = bundles.Current.Score(bundles.Images.Select([image]), bundles.Captions.Select([caption]), module);
        var matrix = bundles.Current.Score(bundles.Images, bundles.Captions, module);

        Assert.Equal(module, explanation.Module);
        Assert.Equal(BitConverter.DoubleToInt64Bits(alone[0, 0]), BitConverter.DoubleToInt64Bits(explanation.Score));
        Assert.Equal(matrix[image, caption], explanation.Score, 1e-6);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_words_attention_is_a_distribution_over_the_36_regions(SimilarityModule module, int image, int caption)
    {
        var explanation = Explain(module, image, caption);

        Assert.Equal(bundles.Captions.Lengths[caption], explanation.Length);
        Assert.Equal(explanation.Length * SgrafConfig.Regions, explanation.Attention.Length);
        for (int word = 0; word < explanation.Length; word++)
        {
            var weights = explanation.AttentionOf(word);
            Assert.All(weights.ToArray(), w => Assert.InRange(w, 0f, 1f));
            Assert.Equal(1.0, Sum(weights), SumTolerance);
        }
        // Words look at different regions: the attention is not uniform.
        Assert.True(explanation.Attention.Max() > 2.0 / SgrafConfig.Regions, $"max attention {explanation.Attention.Max()}");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_node_weights_cover_the_global_node_and_every_word_and_sum_to_1(SimilarityModule module, int image, int caption)
    {
        var explanation = Explain(module, image, caption);
        var nodes = module == SimilarityModule.SGR ? explanation.Edges : explanation.Filtration;

        Assert.Null(module == SimilarityModule.SGR ? explanation.Filtration : explanation.Edges);
        Assert.NotNull(nodes);
        Assert.Equal(explanation.Length + 1, nodes.Length);
        Assert.All(nodes, w => Assert.InRange(w, 0f, 1f));
        Assert.Equal(1.0, Sum(nodes), SumTolerance);
    }

    [Fact]
    public void The_ensemble_score_is_the_mean_of_the_two_models_as_scoring_computes_it()
    {
        var explanations = new[] { SimilarityModule.SGR, SimilarityModule.SAF }.Select(m => Explain(m, 5, 26)).ToArray();
        var scored = bundles.Current.Score(bundles.Images.Select([5]), bundles.Captions.Select([26]));

        Assert.Equal(BitConverter.DoubleToInt64Bits(scored[0, 0]), BitConverter.DoubleToInt64Bits(SgrafRuntime.EnsembleScore(explanations)));
    }

    [Fact]
    public void One_pair_at_a_time()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            bundles.Current.Explain(bundles.Images.Select([0, 1]), bundles.Captions.Select([0]), SimilarityModule.SGR));
        Assert.Equal("image", error.ParamName);
    }

    PairExplanation Explain(SimilarityModule module, int image, int caption) =>
        bundles.Current.Explain(bundles.Images.Select([image]), bundles.Captions.Select([caption]), module);

    static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum;
    }
}
