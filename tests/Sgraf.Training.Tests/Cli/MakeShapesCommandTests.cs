using System.Text.Json.Nodes;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Tests.Checkpoints;

namespace Sgraf.Training.Tests.Cli;

public sealed class MakeShapesCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("sgraf-make-shapes-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public void Make_shapes_writes_every_file_of_the_benchmark()
    {
        var dir = Path.Combine(work, "shapes");
        var result = ToolProcess.Run("sgraf", "make-shapes", "--out", dir, "--train", "20", "--dev", "10", "--test", "10", "--img-dim", "64");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var split in new[] { "train", "dev", "test" })
        {
            Assert.True(File.Exists(Path.Combine(dir, $"{split}_ims.npy")), split);
            Assert.True(File.Exists(Path.Combine(dir, $"{split}_caps.txt")), split);
        }
        foreach (var file in new[] { "vocab.json", "scenes.json", "test_probe.jsonl" }) Assert.True(File.Exists(Path.Combine(dir, file)), file);
        Assert.Equal(20, Directory.GetFiles(Path.Combine(dir, "svg", "train"), "*.svg").Length);
        Assert.Equal(10, Directory.GetFiles(Path.Combine(dir, "svg", "test"), "*.svg").Length);
        Assert.Equal(50, File.ReadAllLines(Path.Combine(dir, "test_probe.jsonl")).Length);
        Assert.Contains("50 probe pairs", result.StandardOutput);
    }

    [Fact]
    public void Make_shapes_has_help_and_evaluate_lists_the_probe()
    {
        var help = ToolProcess.Run("sgraf", "make-shapes", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--img-dim", help.StandardOutput);
        Assert.Contains("--probe", ToolProcess.Run("sgraf", "evaluate", "--help").StandardOutput);
    }

    [Fact]
    public void A_split_without_images_is_refused_cleanly()
    {
        var result = ToolProcess.Run("sgraf", "make-shapes", "--out", Path.Combine(work, "none"), "--test", "0");
        ToolProcess.AssertCleanFailure(result, "--test");
    }

    [Fact]
    public void Evaluate_with_probe_reports_accuracy_per_kind_for_an_SGRAF_pair_and_its_bundle_the_same()
    {
        var dir = Path.Combine(work, "shapes");
        Assert.Equal(0, ToolProcess.Run("sgraf", "make-shapes", "--out", dir, "--train", "40", "--dev", "10", "--test", "10", "--img-dim", "64").ExitCode);
        var vocabulary = Vocabulary.Load(Path.Combine(dir, "vocab.json"));
        var models = new[] { Inference.Model.SimilarityModule.SGR, Inference.Model.SimilarityModule.SAF }.Select(module =>
        {
            var config = TestWeights.Small(module) with { VocabSize = vocabulary.Count };
            var path = Path.Combine(work, module.ToString());
            new ModelCheckpoint(config, TestWeights.Random(config)).Save(path);
            return path;
        }).ToArray();

        var json = Path.Combine(work, "metrics.json");
        var result = ToolProcess.Run("sgraf", "evaluate", "--model", models[0], "--model", models[1], "--data", dir, "--split", "test",
            "--probe", Path.Combine(dir, "test_probe.jsonl"), "--json", json);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hard-negative probe", result.StandardOutput);
        var probe = JsonNode.Parse(File.ReadAllText(json))!["probe"]!;
        Assert.Equal(50, probe["count"]!.GetValue<int>());
        Assert.InRange(probe["overall"]!.GetValue<double>(), 0, 100);
        var kinds = probe["by_kind"]!.AsObject().Select(k => k.Key).ToArray();
        Assert.NotEmpty(kinds);
        Assert.All(kinds, k => Assert.Contains(k, result.StandardOutput));
        Assert.NotNull(JsonNode.Parse(File.ReadAllText(json))!["rsum"]);

        // The same probe through the models' ONNX bundle: ONNX Runtime's scores rank every pair as torch's do.
        var bundle = Path.Combine(work, "bundle");
        var export = ToolProcess.Run("sgraf", "export-onnx", "--model", models[0], "--model", models[1], "--out", bundle,
            "--vocab", Path.Combine(dir, "vocab.json"));
        Assert.True(export.ExitCode == 0, export.ToString());
        var bundleJson = Path.Combine(work, "bundle-metrics.json");
        var byBundle = ToolProcess.Run("sgraf", "evaluate", "--bundle", bundle, "--data", dir, "--split", "test",
            "--probe", Path.Combine(dir, "test_probe.jsonl"), "--json", bundleJson);
        Assert.True(byBundle.ExitCode == 0, byBundle.ToString());
        Assert.Contains("hard-negative probe", byBundle.StandardOutput);
        var bundleReport = JsonNode.Parse(File.ReadAllText(bundleJson))!;
        Assert.Equal(probe.ToJsonString(), bundleReport["probe"]!.ToJsonString());
        Assert.Equal(JsonNode.Parse(File.ReadAllText(json))!["rsum"]!.GetValue<double>(), bundleReport["rsum"]!.GetValue<double>());
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf", "evaluate", "--bundle", bundle, "--data", dir, "--split", "test",
            "--global-only"), "--global-only", "--bundle");
    }
}
