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
    public void Images_scores_the_first_images_and_their_captions_as_the_official_scores_rank_them()
    {
        var json = Path.Combine(work, "first4.json");
        var result = ToolProcess.Run("sgraf", "evaluate", "--model", OfficialFixture.Checkpoint("SGR"), "--model", OfficialFixture.Checkpoint("SAF"),
            "--data", OfficialFixture.DataDir, "--split", "test", "--images", "4", "--json", json);
        Assert.True(result.ExitCode == 0, result.ToString());

        // The official SGRAF scores of the first 4 images against their 20 captions, ranked by the official evalrank.
        var full = ScoreMatrix.Load(OfficialFixture.Expected("sims_SGRAF.npy"));
        var corner = new double[4 * 20];
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 20; c++) corner[i * 20 + c] = full[i, c];
        var expected = RetrievalEvaluation.Evaluate(new ScoreMatrix(4, 20, corner));
        var actual = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(4, actual["images"]!.GetValue<int>());
        Assert.Equal(20, actual["captions"]!.GetValue<int>());
        Assert.Equal(expected.Rsum, actual["rsum"]!.GetValue<double>(), 9);
        Assert.Equal(expected.ImageToText.Meanr, actual["i2t"]!["meanr"]!.GetValue<double>(), 9);
        Assert.Equal(expected.TextToImage.Meanr, actual["t2i"]!["meanr"]!.GetValue<double>(), 9);
        Assert.NotEqual(RetrievalEvaluation.Evaluate(full).TextToImage.Meanr, actual["t2i"]!["meanr"]!.GetValue<double>());
    }

    [Fact]
    public void Expect_passes_when_every_figure_is_reproduced_and_names_each_one_that_is_not()
    {
        string[] evaluate = ["evaluate", "--model", OfficialFixture.Checkpoint("SGR"), "--data", OfficialFixture.DataDir, "--split", "test",
            "--vocab", OfficialFixture.VocabFile];
        var published = Path.Combine(work, "published.json");
        Assert.Equal(0, ToolProcess.Run("sgraf", [.. evaluate, "--images", "5", "--json", published]).ExitCode);

        var same = ToolProcess.Run("sgraf", [.. evaluate, "--images", "5", "--expect", published]);
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains($"reproduced: all 13 figures in {published}", same.StandardOutput);

        // One figure changed in the published file: the check fails and names it, with both values.
        var report = JsonNode.Parse(File.ReadAllText(published))!;
        double r1 = report["i2t"]!["r1"]!.GetValue<double>();
        report["i2t"]!["r1"] = r1 + 20;
        var edited = Path.Combine(work, "edited.json");
        File.WriteAllText(edited, report.ToJsonString());
        var differs = ToolProcess.Run("sgraf", [.. evaluate, "--images", "5", "--expect", edited]);
        ToolProcess.AssertCleanFailure(differs, "1 of the 13 figures", edited, $"i2t.r1: expected {r1 + 20}, got {r1}");

        // The whole split against the 5-image figures: the image count is one of the differences.
        var whole = ToolProcess.Run("sgraf", [.. evaluate, "--expect", published]);
        ToolProcess.AssertCleanFailure(whole, "images: expected 5, got");
    }

    [Fact]
    public void Images_and_expect_refuse_what_they_cannot_do_before_scoring()
    {
        string[] evaluate = ["evaluate", "--model", OfficialFixture.Checkpoint("SGR"), "--data", OfficialFixture.DataDir, "--split", "test",
            "--vocab", OfficialFixture.VocabFile];
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", [.. evaluate, "--images", "0"]), "--images", "positive", "0");
        var missing = Path.Combine(work, "missing.json");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", [.. evaluate, "--expect", missing]), missing, "--expect", "not found");
        var notJson = Path.Combine(work, "not.json");
        File.WriteAllText(notJson, "rsum 300");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", [.. evaluate, "--expect", notJson]), notJson, "not JSON");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "evaluate", "--bundle", "b", "--data", "d", "--split", "test",
            "--shortlist", "10", "--images", "5"), "--images", "--shortlist");
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
