using System.Text.Json;
using Sgraf.Inference.Evaluation;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Evaluation;

/// <summary>The metrics of the fixture's score matrices, against what the official i2t/t2i returned for them.</summary>
public class OfficialMetricsTests
{
    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    [InlineData("SGRAF")]
    public void Reproduces_every_official_number(string model)
    {
        var expected = Expected(model);

        var report = RetrievalEvaluation.Evaluate(ScoreMatrix.Load(OfficialFixture.Expected($"sims_{model}.npy")));

        AssertMetrics(expected.GetProperty("i2t"), report.ImageToText);
        AssertMetrics(expected.GetProperty("t2i"), report.TextToImage);
        Assert.Equal(expected.GetProperty("rsum").GetDouble(), report.Rsum);
    }

    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    [InlineData("SGRAF")]
    public void Reproduces_every_official_rank_and_top1(string model)
    {
        var expected = Expected(model);

        var ranks = RetrievalEvaluation.Evaluate(ScoreMatrix.Load(OfficialFixture.Expected($"sims_{model}.npy"))).Ranks!;

        Assert.Equal(Ints(expected, "i2t_ranks_0based"), ranks.ImageToText);
        Assert.Equal(Ints(expected, "i2t_top1_caption"), ranks.ImageToTextTop1);
        Assert.Equal(Ints(expected, "t2i_ranks_0based"), ranks.TextToImage);
        Assert.Equal(Ints(expected, "t2i_top1_image"), ranks.TextToImageTop1);
    }

    static void AssertMetrics(JsonElement expected, RecallMetrics actual)
    {
        Assert.Equal(expected.GetProperty("r1").GetDouble(), actual.R1);
        Assert.Equal(expected.GetProperty("r5").GetDouble(), actual.R5);
        Assert.Equal(expected.GetProperty("r10").GetDouble(), actual.R10);
        Assert.Equal(expected.GetProperty("medr").GetDouble(), actual.Medr);
        // meanr is a division; the JSON holds Python's shortest repr of the same double, so this is exact too.
        Assert.Equal(expected.GetProperty("meanr").GetDouble(), actual.Meanr, 1e-9);
    }

    static JsonElement Expected(string model)
    {
        using var metrics = JsonDocument.Parse(File.ReadAllText(OfficialFixture.Expected("metrics.json")));
        return metrics.RootElement.GetProperty(model).Clone();
    }

    static int[] Ints(JsonElement model, string name) => [.. model.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
}
