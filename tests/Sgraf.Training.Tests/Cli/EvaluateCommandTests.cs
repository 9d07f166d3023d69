using System.Text.Json.Nodes;
using Sgraf.Inference.Evaluation;
using Sgraf.TestSupport;
using Sgraf.Training.Tests.Model;

namespace Sgraf.Training.Tests.Cli;

public sealed class EvaluateCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("sgraf-evaluate-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public void Evaluating_the_official_SGR_and_SAF_checkpoints_together_gives_the_official_SGRAF_metrics_and_scores()
    {
        var json = Path.Combine(work, "metrics.json");
        var sims = Path.Combine(work, "sims.npy");
        var result = ToolProcess.Run("sgraf", "evaluate",
            "--model", OfficialFixture.Checkpoint("SGR"), "--model", OfficialFixture.Checkpoint("SAF"),
            "--data", OfficialFixture.DataDir, "--split", "test", "--json", json, "--sims-out", sims);

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = JsonNode.Parse(File.ReadAllText(OfficialFixture.Expected("metrics.json")))!["SGRAF"]!;
        var actual = JsonNode.Parse(File.ReadAllText(json))!;
        foreach (var direction in new[] { "i2t", "t2i" })
            foreach (var metric in new[] { "r1", "r5", "r10", "medr", "meanr" })
                Assert.Equal(expected[direction]![metric]!.GetValue<double>(), actual[direction]![metric]!.GetValue<double>(), 9);
        Assert.Equal(expected["rsum"]!.GetValue<double>(), actual["rsum"]!.GetValue<double>(), 9);

        var expectedSims = ScoreMatrix.Load(OfficialFixture.Expected("sims_SGRAF.npy"));
        FixtureTolerance.AssertClose(expectedSims.Values, ScoreMatrix.Load(sims).Values, "--sims-out");
    }

    [Fact]
    public void An_imported_checkpoint_folder_evaluates_like_the_official_file_and_fold5_averages_the_folds()
    {
        var imported = Path.Combine(work, "sgr");
        var import = ToolProcess.Run("sgraf", "import-official", "--checkpoint", OfficialFixture.Checkpoint("SGR", legacy: true), "--out", imported);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.True(File.Exists(Path.Combine(imported, "config.json")));

        var json = Path.Combine(work, "fold5.json");
        var result = ToolProcess.Run("sgraf", "evaluate", "--model", imported, "--data", OfficialFixture.DataDir, "--split", "test",
            "--vocab", OfficialFixture.VocabFile, "--fold5", "--json", json);
        Assert.True(result.ExitCode == 0, result.ToString());

        var expectedFolds = RetrievalEvaluation.EvaluateFold5(ScoreMatrix.Load(OfficialFixture.Expected("sims_SGR.npy")));
        var actual = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(expectedFolds.Average.Rsum, actual["rsum"]!.GetValue<double>(), 9);
        Assert.Equal(expectedFolds.Average.TextToImage.R1, actual["t2i"]!["r1"]!.GetValue<double>(), 9);
        Assert.Equal(5, actual["folds"]!.AsArray().Count);
    }

    [Fact]
    public void Every_verb_has_help()
    {
        foreach (var verb in new[] { "import-official", "evaluate", "bench-api", "bench-api-compare" })
        {
            var result = ToolProcess.Run("sgraf", verb, "--help");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Usage:", result.StandardOutput);
        }
    }
}
