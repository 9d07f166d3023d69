using System.Text.Json.Nodes;
using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.TestSupport;
using Sgraf.Training.Tests.Cli;
using Sgraf.Training.Tests.Model;
using Xunit.Abstractions;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>The exported bundle, run by ONNX Runtime, against the numbers the official PyTorch code produced for the fixture.</summary>
public sealed class OfficialBundleParityTests(OfficialBundle bundle, ITestOutputHelper output) : IClassFixture<OfficialBundle>
{
    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    [InlineData("SGRAF")]
    public void Scores_equal_the_official_sims_and_give_every_official_metric_and_rank(string name)
    {
        var sims = name == "SGRAF"
            ? bundle.Runtime.Score(bundle.Images, bundle.Captions)
            : bundle.Runtime.Score(bundle.Images, bundle.Captions, Enum.Parse<SimilarityModule>(name));
        var expectedSims = ScoreMatrix.Load(OfficialFixture.Expected($"sims_{name}.npy")).Values;
        output.WriteLine($"sims_{name}: max |error| {expectedSims.Zip(sims.Values, (e, a) => Math.Abs(e - a)).Max():E2}");
        FixtureTolerance.AssertClose(expectedSims, sims.Values, $"sims_{name}");

        var expected = JsonNode.Parse(File.ReadAllText(OfficialFixture.Expected("metrics.json")))![name]!;
        var report = RetrievalEvaluation.Evaluate(sims);
        foreach (var (direction, metrics) in new[] { ("i2t", report.ImageToText), ("t2i", report.TextToImage) })
        {
            Assert.Equal(expected[direction]!["r1"]!.GetValue<double>(), metrics.R1);
            Assert.Equal(expected[direction]!["r5"]!.GetValue<double>(), metrics.R5);
            Assert.Equal(expected[direction]!["r10"]!.GetValue<double>(), metrics.R10);
            Assert.Equal(expected[direction]!["medr"]!.GetValue<double>(), metrics.Medr);
            Assert.Equal(expected[direction]!["meanr"]!.GetValue<double>(), metrics.Meanr, 9);
        }
        Assert.Equal(expected["rsum"]!.GetValue<double>(), report.Rsum, 9);
        Assert.Equal(Ints(expected["i2t_ranks_0based"]!), report.Ranks!.ImageToText);
        Assert.Equal(Ints(expected["t2i_ranks_0based"]!), report.Ranks!.TextToImage);
    }

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void Image_encoder_outputs_equal_the_official_region_embeddings_and_global_vectors(SimilarityModule module)
    {
        var encoding = bundle.Images.Encodings[module];
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected($"img_embs_{module}.npy")).Data;
        output.WriteLine($"img_embs_{module}: max |error| {MaxError(expected, encoding.Regions.ToArray()):E2}");
        FixtureTolerance.AssertClose(expected, encoding.Regions.Span, $"img_embs_{module}");
        FixtureTolerance.AssertClose(NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_img_glo.npy")).Data, encoding.Globals.Span, $"{module} img_glo");
    }

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void Text_encoder_outputs_equal_the_official_word_embeddings_and_global_vector(SimilarityModule module)
    {
        var expected = NpyReader.ReadFloat32(OfficialFixture.Expected($"cap_embs_{module}.npy"));   // (100, 34, D), zero-padded
        var encoding = bundle.Captions.Encodings[module];
        int maxLength = expected.Shape[1], d = expected.Shape[2];
        var padded = new float[expected.Data.Length];
        for (int j = 0; j < bundle.Captions.Count; j++)
            encoding.Words[j].CopyTo(padded.AsSpan(j * maxLength * d));
        output.WriteLine($"cap_embs_{module}: max |error| {MaxError(expected.Data, padded):E2}");
        FixtureTolerance.AssertClose(expected.Data, padded, $"cap_embs_{module}");
        FixtureTolerance.AssertClose(NpyReader.ReadFloat32(OfficialFixture.Expected($"inter_{module}_cap0_cap_glo.npy")).Data,
            encoding.Globals.AsSpan(0, d), $"{module} cap_glo of caption 0");
    }

    [Fact]
    public void Small_score_chunks_give_the_same_scores_as_one_chunk()
    {
        using var chunked = Inference.Runtime.SgrafRuntime.Open(bundle.Directory,
            new Inference.Runtime.SgrafRuntimeOptions { MaxScoreChunkElements = 3 * 20 * 48, EncodeBatchSize = 7, IntraOpThreads = 1 });
        var images = chunked.EncodeImages(bundle.Data.ImageFeatures, bundle.Data.ImageCount);
        var captions = chunked.EncodeCaptions(bundle.Data.Captions);
        FixtureTolerance.AssertClose(ScoreMatrix.Load(OfficialFixture.Expected("sims_SGRAF.npy")).Values,
            chunked.Score(images, captions).Values, "sims_SGRAF in small chunks");
    }

    [Fact]
    public void Evaluate_with_the_bundle_reports_the_official_SGRAF_metrics()
    {
        var work = Directory.CreateTempSubdirectory("sgraf-onnx-evaluate-").FullName;
        try
        {
            var json = Path.Combine(work, "metrics.json");
            var sims = Path.Combine(work, "sims.npy");
            var result = ToolProcess.Run("sgraf", "evaluate", "--bundle", bundle.Directory, "--data", OfficialFixture.DataDir, "--split", "test",
                "--json", json, "--sims-out", sims);
            Assert.True(result.ExitCode == 0, result.ToString());
            var expected = JsonNode.Parse(File.ReadAllText(OfficialFixture.Expected("metrics.json")))!["SGRAF"]!;
            var actual = JsonNode.Parse(File.ReadAllText(json))!;
            Assert.Equal(expected["rsum"]!.GetValue<double>(), actual["rsum"]!.GetValue<double>(), 9);
            foreach (var direction in new[] { "i2t", "t2i" })
                foreach (var metric in new[] { "r1", "r5", "r10", "medr", "meanr" })
                    Assert.Equal(expected[direction]![metric]!.GetValue<double>(), actual[direction]![metric]!.GetValue<double>(), 9);
            FixtureTolerance.AssertClose(ScoreMatrix.Load(OfficialFixture.Expected("sims_SGRAF.npy")).Values, ScoreMatrix.Load(sims).Values, "--sims-out");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static double MaxError(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();

    static int[] Ints(JsonNode array) => array.AsArray().Select(n => n!.GetValue<int>()).ToArray();
}
