using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;
using Sgraf.Training.Shortlist;
using Sgraf.Training.Tests.Cli;
using Sgraf.Training.Tests.Onnx;
using Xunit.Abstractions;

namespace Sgraf.Training.Tests.Shortlist;

/// <summary>Training a head on the official fixture's frozen encoders, distilling its exact SGRAF scores.</summary>
public sealed class ShortlistTrainerTests(OfficialBundle bundle, ITestOutputHelper output) : IClassFixture<OfficialBundle>, IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    static ShortlistTrainingOptions SmallRun => new()
    {
        Hidden = 32, Dim = 16, Epochs = 8, BatchImages = 10, CaptionsPerImage = 5, LearningRate = 3e-3, GroupSize = 5, Threads = 1, Seed = 3,
    };

    [Fact]
    public void The_loss_falls_and_the_head_keeps_more_of_the_exact_ranking_than_untrained()
    {
        var split = EncodedSplit.Encode(bundle.Runtime, bundle.Data);
        using var trainer = new ShortlistTrainer(SmallRun, bundle.Runtime, split, split);
        var untrained = trainer.Validate();
        var epochs = trainer.Run();
        foreach (var e in epochs) output.WriteLine($"epoch {e.Epoch}: loss {e.MeanLoss:0.0000}  {e.Validation}");
        output.WriteLine($"untrained: {untrained}");

        Assert.Equal(8, epochs.Count);
        Assert.True(epochs[^1].MeanLoss < 0.8 * epochs[0].MeanLoss, $"loss went from {epochs[0].MeanLoss:0.0000} to {epochs[^1].MeanLoss:0.0000}");
        Assert.True(trainer.Best!.Validation.Mean > untrained.Mean + 0.1,
            $"best validation recall {trainer.Best.Validation.Mean:P1} does not beat the untrained head's {untrained.Mean:P1}");
    }

    [Fact]
    public void Train_shortlist_then_add_shortlist_gives_a_bundle_whose_head_the_runtime_loads()
    {
        var head = work.File("head");
        var trained = ToolProcess.Run("sgraf", "train-shortlist", "--bundle", bundle.Directory, "--data", OfficialFixture.DataDir, "--split", "test",
            "--validation-split", "test", "--out", head, "--epochs", "2", "--batch-images", "10", "--hidden", "16", "--dim", "8", "--threads", "1");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.Contains("best epoch", trained.StandardOutput);
        foreach (var file in new[] { "config.json", "weights.safetensors", ShortlistTrainingReport.LogFileName, ShortlistTrainingReport.CurvesFileName })
            Assert.True(File.Exists(Path.Combine(head, file)), $"{file} missing");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(head, ShortlistTrainingReport.LogFileName)).Length);

        var withHead = work.File("bundle");
        var added = ToolProcess.Run("sgraf", "add-shortlist", "--bundle", bundle.Directory, "--shortlist", head, "--out", withHead);
        Assert.True(added.ExitCode == 0, added.ToString());
        using var runtime = SgrafRuntime.Open(withHead);
        Assert.Equal(8, runtime.Shortlist!.Dim);
        Assert.Equal(bundle.Runtime.Bundle.EmbeddingsHash, runtime.Bundle.EmbeddingsHash);
        Assert.NotEqual(bundle.Runtime.Bundle.Hash, runtime.Bundle.Hash);
        Assert.Equal(BundleManifest.CurrentFormatVersion, runtime.Bundle.Manifest.FormatVersion);
    }

    [Fact]
    public void Init_from_starts_where_the_given_head_ended_and_refuses_a_head_of_other_dimensions()
    {
        string[] train = ["train-shortlist", "--bundle", bundle.Directory, "--data", OfficialFixture.DataDir, "--split", "test",
            "--validation-split", "test", "--batch-images", "10", "--hidden", "16", "--threads", "1"];
        var first = work.File("first");
        var trained = ToolProcess.Run("sgraf", [.. train, "--out", first, "--epochs", "2", "--dim", "8"]);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        // "best epoch N (validation report); ..." — the saved head is that epoch's.
        var best = trained.StandardOutput.Split('\n').Single(line => line.StartsWith("best epoch", StringComparison.Ordinal));
        var bestReport = best[(best.IndexOf('(') + 1)..best.IndexOf(')')];
        Assert.StartsWith("t2i ", bestReport);

        var second = ToolProcess.Run("sgraf", [.. train, "--out", work.File("second"), "--epochs", "1", "--dim", "8", "--init-from", first]);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"head of {first}: {bestReport}", second.StandardOutput);
        Assert.DoesNotContain("untrained head", second.StandardOutput);

        var other = work.File("other");
        var refused = ToolProcess.Run("sgraf", [.. train, "--out", other, "--epochs", "1", "--dim", "4", "--init-from", first]);
        ToolProcess.AssertCleanFailure(refused, first, "dim=8", "dim=4", "--dim");
        Assert.DoesNotContain("encoding the", refused.StandardOutput + refused.StandardError);   // refused before the encoding
        Assert.False(Directory.Exists(other));
    }

    [Fact]
    public void A_head_trained_on_other_encoders_is_refused_by_name()
    {
        using var head = RandomHead.Create(bundle.Runtime, seed: 5);
        var checkpoint = RandomHead.Checkpoint(head, bundle.Runtime);
        var foreign = new ShortlistCheckpoint(checkpoint.Config, checkpoint.Weights, checkpoint.Provenance with { EmbeddingsHash = new string('0', 64), Bundle = "/elsewhere/bundle" });
        var headDir = work.File("foreign-head");
        foreign.Save(headDir);
        var result = ToolProcess.Run("sgraf", "add-shortlist", "--bundle", bundle.Directory, "--shortlist", headDir, "--out", work.File("out"));
        ToolProcess.AssertCleanFailure(result, headDir, "/elsewhere/bundle", "train it on this bundle");
        Assert.False(Directory.Exists(work.File("out")));
    }
}
