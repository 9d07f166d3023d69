using Sgraf.TestSupport;
using Sgraf.Training.Tests.Checkpoints;
using Sgraf.Training.Tests.Cli;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>The command-line surface of export-onnx and evaluate --bundle: help, and clean refusals of bad arguments.</summary>
public sealed class ExportOnnxCommandTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public void Export_onnx_has_help()
    {
        var result = ToolProcess.Run("sgraf", "export-onnx", "--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--vocab", result.StandardOutput);
    }

    [Fact]
    public void Export_without_a_vocabulary_asks_for_one()
    {
        var result = ToolProcess.Run("sgraf", "export-onnx", "--model", OfficialFixture.Checkpoint("SGR"), "--out", work.File("bundle"));
        ToolProcess.AssertCleanFailure(result, "--vocab");
        Assert.False(Directory.Exists(work.File("bundle")));
    }

    [Fact]
    public void Export_refuses_two_models_of_the_same_kind()
    {
        var result = ToolProcess.Run("sgraf", "export-onnx", "--model", OfficialFixture.Checkpoint("SGR"), "--model", OfficialFixture.Checkpoint("SGR", legacy: true),
            "--vocab", OfficialFixture.VocabFile, "--out", work.File("bundle"));
        ToolProcess.AssertCleanFailure(result, "two SGR models");
    }

    [Fact]
    public void Evaluate_takes_either_models_or_a_bundle()
    {
        var result = ToolProcess.Run("sgraf", "evaluate", "--model", OfficialFixture.Checkpoint("SGR"), "--bundle", work.Path,
            "--data", OfficialFixture.DataDir, "--split", "test");
        ToolProcess.AssertCleanFailure(result, "--model", "--bundle");
    }

    [Fact]
    public void Evaluate_with_a_folder_that_is_not_a_bundle_names_the_manifest()
    {
        var result = ToolProcess.Run("sgraf", "evaluate", "--bundle", work.Path, "--data", OfficialFixture.DataDir, "--split", "test");
        ToolProcess.AssertCleanFailure(result, "manifest.json");
    }
}
