using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Training.Onnx;
using Sgraf.Training.Tests.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// The exported bundle's explanations of caption 0 against the fixture's 20 images, held to what the official PyTorch
/// code computed (the fixture's intermediates) and, for what the fixture does not hold, to the TorchSharp model.
/// </summary>
public sealed class OfficialExplanationTests(OfficialBundle bundle, OfficialModels official)
    : IClassFixture<OfficialBundle>, IClassFixture<OfficialModels>
{
    const int Images = 20;
    const int Regions = SgrafConfig.Regions;

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void The_score_is_the_official_score_and_the_runtimes_score_of_the_pair_bit_for_bit(SimilarityModule module)
    {
        var sims = ScoreMatrix.Load(OfficialFixture.Expected($"sims_{module}.npy"));
        var official = NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_sim_i.npy")).Data;
        for (int i = 0; i < Images; i++)
        {
            var explanation = Explain(module, i);
            var alone = bundle.Runtime.Score(bundle.Images.Select([i]), bundle.Captions.Select([0]), module);
            Assert.Equal(BitConverter.DoubleToInt64Bits(alone[0, 0]), BitConverter.DoubleToInt64Bits(explanation.Score));
            Assert.Equal(sims[i, 0], explanation.Score, FixtureTolerance.Absolute);
            Assert.Equal(official[i], explanation.Score, FixtureTolerance.Absolute);
        }
    }

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void Attention_times_the_official_region_embeddings_gives_the_official_scan_context(SimilarityModule module)
    {
        var regions = NpyReader.ReadFloat32(OfficialFixture.Expected($"img_embs_{module}.npy"));   // (20, 36, D)
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_scan_context.npy"));   // (20, L, D)
        int d = regions.Shape[2], length = expected.Shape[1];
        var context = new float[Images * length * d];
        for (int i = 0; i < Images; i++)
        {
            var explanation = Explain(module, i);
            Assert.Equal(length, explanation.Length);
            for (int t = 0; t < length; t++)
            {
                var weights = explanation.AttentionOf(t);
                Assert.Equal(1.0, weights.ToArray().Sum(w => (double)w), 1e-6);
                var attended = new double[d];
                for (int r = 0; r < Regions; r++)
                    for (int k = 0; k < d; k++) attended[k] += weights[r] * (double)regions.Data[(i * Regions + r) * d + k];
                double norm = Math.Sqrt(attended.Sum(x => x * x)) + 1e-8;   // the official l2norm
                for (int k = 0; k < d; k++) context[(i * length + t) * d + k] = (float)(attended[k] / norm);
            }
        }
        FixtureTolerance.AssertClose(expected.Data, context, $"{module} scan_context from the explained attention");
    }

    [Fact]
    public void SAF_filtration_weights_equal_the_official_saf_attn()
    {
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected("inter_SAF_cap0_saf_attn.npy"));   // (20, 1, L+1)
        var actual = Enumerable.Range(0, Images).SelectMany(i => Explain(SimilarityModule.SAF, i).Filtration!).ToArray();
        FixtureTolerance.AssertClose(expected.Data, actual, "SAF filtration");
        for (int i = 0; i < Images; i++)
            Assert.Equal(1.0, actual.Skip(i * expected.Shape[2]).Take(expected.Shape[2]).Sum(w => (double)w), 1e-6);
    }

    [Fact]
    public void SGR_edges_turn_the_official_step_2_nodes_into_the_official_step_3_global_node()
    {
        var step2 = NpyReader.ReadFloat32(OfficialFixture.Expected("inter_SGR_cap0_sgr_step2.npy"));   // (20, L+1, S)
        var step3 = NpyReader.ReadFloat32(OfficialFixture.Expected("inter_SGR_cap0_sgr_step3.npy"));
        int nodes = step2.Shape[1], s = step2.Shape[2];
        var weights = new ExportWeights(ModelSource.Read(OfficialFixture.Checkpoint("SGR")));
        var (w, b) = (weights["sim_enc.SGR_module.2.sim_graph_w.weight"], weights["sim_enc.SGR_module.2.sim_graph_w.bias"]);
        var global = new float[Images * s];
        var expected = new float[Images * s];
        for (int i = 0; i < Images; i++)
        {
            var edges = Explain(SimilarityModule.SGR, i).Edges!;
            Assert.Equal(nodes, edges.Length);
            Assert.Equal(1.0, edges.Sum(e => (double)e), 1e-6);
            // N'[0] = ReLU(W_g (Σ_k E[0,k] N_k) + b_g), spec §6.
            var mixed = new double[s];
            for (int k = 0; k < nodes; k++)
                for (int j = 0; j < s; j++) mixed[j] += edges[k] * (double)step2.Data[(i * nodes + k) * s + j];
            for (int o = 0; o < s; o++)
            {
                double sum = b[o];
                for (int j = 0; j < s; j++) sum += w[o * s + j] * mixed[j];
                global[i * s + o] = (float)Math.Max(0, sum);
                expected[i * s + o] = step3.Data[(i * nodes + 0) * s + o];
            }
        }
        FixtureTolerance.AssertClose(expected, global, "SGR step 3 global node from the explained edges");
    }

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void Attention_and_edges_equal_the_TorchSharp_models(SimilarityModule module)
    {
        var traced = Trace(module);
        var attention = traced["scan_attention"];   // (20, 1, L, 36)
        int length = attention.Length / (Images * Regions);
        var explained = Enumerable.Range(0, Images).Select(i => Explain(module, i)).ToArray();
        FixtureTolerance.AssertClose(attention, explained.SelectMany(e => e.Attention).ToArray(), $"{module} attention vs TorchSharp");
        if (module == SimilarityModule.SGR)
        {
            var edges = traced["sgr_step3_edges"];   // (20, L+1, L+1); row 0 is the global node's
            int nodes = length + 1;
            var globalRows = Enumerable.Range(0, Images).SelectMany(i => edges.Skip(i * nodes * nodes).Take(nodes)).ToArray();
            FixtureTolerance.AssertClose(globalRows, explained.SelectMany(e => e.Edges!).ToArray(), "SGR last-step edges vs TorchSharp");
        }
        else
        {
            FixtureTolerance.AssertClose(traced["saf_attn"], explained.SelectMany(e => e.Filtration!).ToArray(), "SAF filtration vs TorchSharp");
        }
    }

    PairExplanation Explain(SimilarityModule module, int image) =>
        bundle.Runtime.Explain(bundle.Images.Select([image]), bundle.Captions.Select([0]), module);

    /// <summary>The TorchSharp model's intermediates of caption 0 against every image.</summary>
    Dictionary<string, float[]> Trace(SimilarityModule module)
    {
        var model = official.Of(module.ToString());
        var data = official.Data;
        var traced = new Dictionary<string, float[]>();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var regions = model.EncodeImages(tensor(data.ImageFeatures, [data.ImageCount, Regions, data.ImageDim]));
        var (ids, lengths) = TokenBatch.Pad([official.CaptionIds[0]]);
        var words = model.EncodeCaptions(ids, lengths);
        var globals = model.SimilarityEncoder.ImageGlobals(regions);
        model.SimilarityEncoder.ScoreCaptions(regions, globals, words, (key, value) => traced[key] = value.contiguous().data<float>().ToArray());
        return traced;
    }
}
