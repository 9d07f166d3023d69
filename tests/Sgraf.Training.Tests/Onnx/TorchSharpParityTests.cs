using Sgraf.TestSupport;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Training.Onnx;
using Sgraf.Training.Tests.Checkpoints;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// A random model exported to ONNX and run by ONNX Runtime gives what the TorchSharp model gives: region and word
/// embeddings, both global vectors and the scores, with captions of every length from 1 to 40 in one batch.
/// BatchNorm running statistics and affine parameters are randomised, so folding them is exercised.
/// </summary>
public sealed class TorchSharpParityTests(ITestOutputHelper output) : IDisposable
{
    const double Tolerance = 1e-5;

    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void A_full_size_random_model_runs_in_ONNX_Runtime_as_in_TorchSharp(SimilarityModule module)
    {
        var config = TestWeights.Default(module);
        var errors = Compare(config, seed: module == SimilarityModule.SGR ? 21 : 22, images: 3, longestCaption: 40, evalScale: 40);
        AssertWithin(errors);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    public void Stacked_and_one_directional_GRUs_export_exactly(int layers, bool bidirectional)
    {
        var config = new SgrafConfig
        {
            Module = SimilarityModule.SGR, VocabSize = 30, ImgDim = 20, WordDim = 6, EmbedSize = 16, SimDim = 8,
            NumLayers = layers, BiGru = bidirectional, SgrStep = 2,
        };
        AssertWithin(Compare(config, seed: 5, images: 4, longestCaption: 12, evalScale: 3));
    }

    /// <summary>
    /// The similarity graphs are rewritten for speed (SCAN's norm from a Gram matrix, SGR's W_qᵀW_k folded, only the
    /// global node of the last step): small models, one-step SGR (whose only step is the last) included, still give
    /// the plain TorchSharp scores with captions of mixed lengths.
    /// </summary>
    [Theory]
    [InlineData(SimilarityModule.SGR, 1)]
    [InlineData(SimilarityModule.SGR, 3)]
    [InlineData(SimilarityModule.SAF, 3)]
    public void Small_models_score_captions_of_mixed_lengths_as_in_TorchSharp(SimilarityModule module, int sgrStep)
    {
        var config = new SgrafConfig
        {
            Module = module, VocabSize = 40, ImgDim = 24, WordDim = 8, EmbedSize = 32, SimDim = 16, SgrStep = sgrStep,
        };
        AssertWithin(Compare(config, seed: 7 + sgrStep, images: 5, longestCaption: 17, evalScale: 5));
    }

    /// <summary>Scoring each caption alone (no padding) and all of them in one call padded to the longest give the same scores.</summary>
    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void Padding_never_changes_a_score(SimilarityModule module)
    {
        var config = new SgrafConfig
        {
            Module = module, VocabSize = 40, ImgDim = 24, WordDim = 8, EmbedSize = 32, SimDim = 16,
        };
        manual_seed(3);
        using var model = new SgrafModel(config);
        SpreadScores(model, 5);
        model.eval();
        var random = new Random(3);
        var captions = Enumerable.Range(1, 20).OrderBy(_ => random.Next())
            .Select(length => Enumerable.Range(0, length).Select(_ => random.Next(config.VocabSize)).ToArray()).ToArray();
        var features = new float[4 * SgrafConfig.Regions * config.ImgDim];
        for (int k = 0; k < features.Length; k++) features[k] = random.NextSingle();
        var bundleDir = ExportBundle(model, config);

        double[] Scores(long chunkElements)
        {
            using var runtime = SgrafRuntime.Open(bundleDir, new SgrafRuntimeOptions { MaxScoreChunkElements = chunkElements });
            return runtime.Score(runtime.EncodeImages(features, 4), runtime.EncodeTokenIds(captions), module).Values;
        }
        var alone = Scores(1);                       // one image × one caption per call: never padded
        var together = Scores(1L << 30);             // every pair in one call, padded to 20 words
        double worst = alone.Zip(together, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"max |alone − padded| = {worst:E2}");
        Assert.True(worst <= 1e-6, $"padding moved a score by {worst:E3}");
    }

    void AssertWithin(Dictionary<string, double> errors)
    {
        foreach (var (what, error) in errors) output.WriteLine($"{what}: max |ONNX − TorchSharp| = {error:E2}");
        foreach (var (what, error) in errors) Assert.True(error <= Tolerance, $"{what}: max |error| {error:E3} > {Tolerance:E0}");
    }

    Dictionary<string, double> Compare(SgrafConfig config, int seed, int images, int longestCaption, double evalScale)
    {
        manual_seed(seed);
        using var model = new SgrafModel(config);
        RandomBatchNorm.Apply(model);
        SpreadScores(model, evalScale);
        model.eval();

        var random = new Random(seed);
        var captions = Enumerable.Range(1, longestCaption).OrderBy(_ => random.Next())
            .Select(length => Enumerable.Range(0, length).Select(_ => random.Next(config.VocabSize)).ToArray()).ToArray();
        var features = new float[images * SgrafConfig.Regions * config.ImgDim];
        for (int k = 0; k < features.Length; k++) features[k] = random.NextSingle();   // BUTD features are non-negative

        var bundleDir = ExportBundle(model, config);
        using var runtime = SgrafRuntime.Open(bundleDir, new SgrafRuntimeOptions { EncodeBatchSize = longestCaption });
        var onnxImages = runtime.EncodeImages(features, images);
        var onnxCaptions = runtime.EncodeTokenIds(captions);
        var onnxScores = runtime.Score(onnxImages, onnxCaptions, config.Module);
        output.WriteLine($"{config.Module} scores range over [{onnxScores.Values.Min():F6}, {onnxScores.Values.Max():F6}]");

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var regions = model.EncodeImages(tensor(features, [images, SgrafConfig.Regions, config.ImgDim]));
        var imageGlobals = model.SimilarityEncoder.ImageGlobals(regions);
        var (ids, lengths) = TokenBatch.Pad(captions);
        var words = model.EncodeCaptions(ids, lengths);
        var scores = model.Score(regions, words, lengths.data<long>().ToArray());

        var errors = new Dictionary<string, double>
        {
            ["region embeddings"] = MaxError(regions, onnxImages.Encodings[config.Module].Regions.ToArray()),
            ["image globals"] = MaxError(imageGlobals, onnxImages.Encodings[config.Module].Globals.ToArray()),
            ["scores"] = MaxError(scores, onnxScores.Values.Select(v => (float)v).ToArray()),
        };
        double wordError = 0, captionGlobalError = 0;
        for (int j = 0; j < captions.Length; j++)
        {
            var captionWords = words.narrow(0, j, 1).narrow(1, 0, captions[j].Length);
            wordError = Math.Max(wordError, MaxError(captionWords, onnxCaptions.Encodings[config.Module].Words[j]));
            Tensor? captionGlobal = null;
            model.SimilarityEncoder.ScoreCaptions(regions.narrow(0, 0, 1), imageGlobals.narrow(0, 0, 1), captionWords,
                (name, value) => { if (name == "cap_glo") captionGlobal = value; });
            int d = config.EmbedSize;
            captionGlobalError = Math.Max(captionGlobalError,
                MaxError(captionGlobal!, onnxCaptions.Encodings[config.Module].Globals.AsSpan(j * d, d).ToArray()));
        }
        errors["word embeddings"] = wordError;
        errors["caption globals"] = captionGlobalError;
        return errors;
    }

    string ExportBundle(SgrafModel model, SgrafConfig config)
    {
        var vocabulary = work.File("vocab.json");
        Vocabulary.Build(Enumerable.Range(0, config.VocabSize - 4).Select(i => $"w{i}")).Save(vocabulary);
        var checkpoint = new ModelCheckpoint(config, ModelWeights.FromFlat(ModuleWeights.Save(model), "random model"));
        var bundle = work.File("bundle");
        BundleExporter.Export([new ExportSource(checkpoint, "random model")], vocabulary, bundle, DateTimeOffset.UtcNow);
        return bundle;
    }

    /// <summary>
    /// With Xavier init every score sits near 0.5 and small differences upstream barely move it; a larger sim_eval_w
    /// (as the fixture's ×5) spreads the scores over (0, 1), so the comparison sees the whole pipeline.
    /// </summary>
    static void SpreadScores(SgrafModel model, double factor)
    {
        using var _ = no_grad();
        model.state_dict()["sim_enc.sim_eval_w.weight"].mul_(factor);
    }

    static double MaxError(Tensor expected, float[] actual)
    {
        var values = expected.contiguous().data<float>().ToArray();
        Assert.Equal(values.Length, actual.Length);
        double worst = 0;
        for (int k = 0; k < values.Length; k++)
            worst = Math.Max(worst, float.IsNaN(actual[k]) ? double.PositiveInfinity : Math.Abs((double)values[k] - actual[k]));
        return worst;
    }
}
