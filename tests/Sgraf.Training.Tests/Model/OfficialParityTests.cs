using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.TestSupport;
using Sgraf.Training.Evaluation;
using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Model;

/// <summary>The TorchSharp port against the numbers the official PyTorch code produced for the fixture.</summary>
public sealed class OfficialParityTests(OfficialModels official) : IClassFixture<OfficialModels>
{
    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    public void Image_embeddings_equal_the_official_encoder_output(string module)
    {
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected($"img_embs_{module}.npy"));
        var data = official.Data;
        using var _ = no_grad();
        using var features = tensor(data.ImageFeatures, [data.ImageCount, 36, data.ImageDim]);
        using var embeddings = official.Of(module).EncodeImages(features);
        Assert.Equal(expected.Shape.Select(d => (long)d), embeddings.shape);
        FixtureTolerance.AssertClose(expected.Data, embeddings.data<float>().ToArray(), $"img_embs_{module}");
    }

    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    public void Caption_embeddings_equal_the_official_encoder_output_and_are_zero_past_each_length(string module)
    {
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected($"cap_embs_{module}.npy"));
        using var _ = no_grad();
        var (ids, lengths) = TokenBatch.Pad(official.CaptionIds);
        using var embeddings = official.Of(module).EncodeCaptions(ids, lengths);
        Assert.Equal(expected.Shape.Select(d => (long)d), embeddings.shape);
        FixtureTolerance.AssertClose(expected.Data, embeddings.data<float>().ToArray(), $"cap_embs_{module}");
    }

    public static TheoryData<string, string> Intermediates() => new()
    {
        { "SGR", "img_ave" }, { "SGR", "img_glo" }, { "SGR", "cap_ave" }, { "SGR", "cap_glo" },
        { "SGR", "scan_context" }, { "SGR", "sim_emb" }, { "SGR", "sgr_step1" }, { "SGR", "sgr_step2" },
        { "SGR", "sgr_step3" }, { "SGR", "sim_vec" }, { "SGR", "sim_i" },
        { "SAF", "img_ave" }, { "SAF", "img_glo" }, { "SAF", "cap_ave" }, { "SAF", "cap_glo" },
        { "SAF", "scan_context" }, { "SAF", "sim_emb" }, { "SAF", "saf_attn" }, { "SAF", "sim_vec" }, { "SAF", "sim_i" },
    };

    [Theory]
    [MemberData(nameof(Intermediates))]
    public void Every_intermediate_of_caption_0_equals_the_official_one(string module, string name)
    {
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_{name}.npy"));
        var model = official.Of(module);
        var data = official.Data;
        var traced = new Dictionary<string, float[]>();
        void Trace(string key, Tensor value) => traced[key] = value.contiguous().data<float>().ToArray();

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var regions = model.EncodeImages(tensor(data.ImageFeatures, [data.ImageCount, 36, data.ImageDim]));
        var caption = official.CaptionIds[0];
        var (ids, lengths) = TokenBatch.Pad([caption]);
        var words = model.EncodeCaptions(ids, lengths);
        var globals = model.SimilarityEncoder.ImageGlobals(regions, Trace);
        model.SimilarityEncoder.ScoreCaptions(regions, globals, words, Trace);

        Assert.True(traced.ContainsKey(name), $"the model never produced {name}");
        FixtureTolerance.AssertClose(expected.Data, traced[name], $"inter_{module}_cap0_{name}");
    }

    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    [InlineData("SGRAF")]
    public void Score_matrices_equal_the_official_ones(string module)
    {
        var expected = ScoreMatrix.Load(OfficialFixture.Expected($"sims_{module}.npy"));
        var actual = official.ScoresOf(module);
        Assert.Equal((expected.Images, expected.Captions), (actual.Images, actual.Captions));
        FixtureTolerance.AssertClose(expected.Values, actual.Values, $"sims_{module}");
    }

    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    public void Global_only_baseline_is_the_dot_product_of_the_official_global_vectors(string module)
    {
        // Expected from the official intermediates alone: img_glo (20, D) · cap_glo (1, D) for caption 0.
        var imageGlobals = NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_img_glo.npy"));
        var captionGlobal = NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_cap_glo.npy")).Data;
        int dim = captionGlobal.Length;
        var expected = Enumerable.Range(0, imageGlobals.Shape[0])
            .Select(i => Enumerable.Range(0, dim).Sum(d => (double)imageGlobals.Data[i * dim + d] * captionGlobal[d]))
            .ToArray();

        var scores = SplitScorer.Score(official.Of(module), official.Data, official.CaptionIds, globalOnly: true);
        var column0 = Enumerable.Range(0, scores.Images).Select(i => scores[i, 0]).ToArray();
        FixtureTolerance.AssertClose(expected, column0, $"{module} global-only scores of caption 0");
    }
}
