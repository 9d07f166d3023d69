using Sgraf.TestSupport;
using Sgraf.Training.Tests.Cli;
using Sgraf.Training.Training;

namespace Sgraf.Training.Tests.Training;

/// <summary><c>sgraf train</c> and <c>sgraf build-vocab</c> as a user runs them.</summary>
public sealed class TrainCommandTests(FixtureTrainingData fixture) : IClassFixture<FixtureTrainingData>
{
    [Fact]
    public void Train_writes_checkpoints_log_and_curves()
    {
        var output = Path.Combine(fixture.Root, "cli-run");
        var result = ToolProcess.Run("sgraf", "train", "--data", fixture.DataDir, "--vocab", OfficialFixture.VocabFile, "--model", "saf",
            "--out", output, "--num-epochs", "1", "--batch-size", "50", "--word-dim", "16", "--embed-size", "48", "--sim-dim", "24",
            "--max-violation", "false", "--seed", "5", "--threads", "1", "--plain-step", "true");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("epoch 1: loss", result.StandardOutput);
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoint_1")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output, TrainingLog.FileName)).Length);
        Assert.True(File.Exists(Path.Combine(output, TrainingCurves.FileName)));
        var saved = TrainingState.Load(Path.Combine(output, "checkpoint_1")).Options;
        Assert.Equal((Inference.Model.SimilarityModule.SAF, false, 50, 5L, true, false),
            (saved.Module, saved.MaxViolation, saved.BatchSize, saved.Seed, saved.PlainStep, saved.BFloat16));
    }

    [Fact]
    public void Train_rejects_bad_options_with_a_clear_message()
    {
        var result = ToolProcess.Run("sgraf", "train", "--data", fixture.DataDir, "--vocab", OfficialFixture.VocabFile, "--model", "sgr",
            "--out", Path.Combine(fixture.Root, "bad"), "--batch-size", "0");
        ToolProcess.AssertCleanFailure(result, "--batch-size");
        result = ToolProcess.Run("sgraf", "train", "--data", fixture.DataDir, "--out", Path.Combine(fixture.Root, "bad"), "--model", "xyz");
        ToolProcess.AssertCleanFailure(result, "--model");
    }

    [Fact]
    public void Build_vocab_writes_an_official_vocabulary()
    {
        var path = Path.Combine(fixture.Root, "built_vocab.json");
        var result = ToolProcess.Run("sgraf", "build-vocab", "--captions", Path.Combine(fixture.DataDir, "train_caps.txt"),
            Path.Combine(fixture.DataDir, "dev_caps.txt"), "--out", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var vocabulary = Inference.Text.Vocabulary.Load(path);
        Assert.Equal("<unk>", vocabulary.WordOf(3));
        Assert.True(vocabulary.Count > 4);
    }
}
