using System.Text.Json.Nodes;
using Sgraf.Inference.Evaluation;
using Sgraf.TestSupport;

namespace Sgraf.Training.Tests.Model;

/// <summary>Scores from the TorchSharp port, ranked by our metrics, give the official evalrank numbers to the last rank.</summary>
public sealed class OfficialMetricsTests(OfficialModels official) : IClassFixture<OfficialModels>
{
    [Theory]
    [InlineData("SGR")]
    [InlineData("SAF")]
    [InlineData("SGRAF")]
    public void Every_metric_and_rank_equals_the_official_evalrank(string module)
    {
        var expected = JsonNode.Parse(File.ReadAllText(OfficialFixture.Expected("metrics.json")))![module]!;
        var report = RetrievalEvaluation.Evaluate(official.ScoresOf(module));

        AssertMetrics(expected["i2t"]!, report.ImageToText, $"{module} i2t");
        AssertMetrics(expected["t2i"]!, report.TextToImage, $"{module} t2i");
        Assert.Equal(expected["rsum"]!.GetValue<double>(), report.Rsum, 9);
        Assert.Equal(Ints(expected["i2t_ranks_0based"]!), report.Ranks!.ImageToText);
        Assert.Equal(Ints(expected["t2i_ranks_0based"]!), report.Ranks!.TextToImage);
    }

    static void AssertMetrics(JsonNode expected, RecallMetrics actual, string what)
    {
        Assert.True(expected["r1"]!.GetValue<double>() == actual.R1, $"{what} R@1 {actual.R1}");
        Assert.True(expected["r5"]!.GetValue<double>() == actual.R5, $"{what} R@5 {actual.R5}");
        Assert.True(expected["r10"]!.GetValue<double>() == actual.R10, $"{what} R@10 {actual.R10}");
        Assert.True(expected["medr"]!.GetValue<double>() == actual.Medr, $"{what} medr {actual.Medr}");
        Assert.Equal(expected["meanr"]!.GetValue<double>(), actual.Meanr, 9);
    }

    static int[] Ints(JsonNode array) => array.AsArray().Select(n => n!.GetValue<int>()).ToArray();
}
