using Sgraf.Training.Tests.Cli;

namespace Sgraf.Training.Tests.Onnx;

/// <summary><c>sgraf bench-score</c> on the fixture's tiny bundle: it runs both backends and prints pairs/s (no timing is asserted).</summary>
public sealed class BenchScoreCommandTests(OfficialBundle bundle) : IClassFixture<OfficialBundle>
{
    [Fact]
    public void Bench_score_prints_pairs_per_second_for_ONNX_Runtime_and_TorchSharp()
    {
        var result = ToolProcess.Run("sgraf", "bench-score", "--bundle", bundle.Directory, "--images", "3", "--captions", "4", "--words", "7", "--repeat", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("3 images × 4 captions × 7 tokens = 12 pairs per call", result.StandardOutput);
        Assert.Contains("1 thread(s)", result.StandardOutput);
        Assert.Contains("sgr dims: img_dim=64,word_dim=16,embed_size=48,sim_dim=24", result.StandardOutput);
        foreach (var module in new[] { "SGR", "SAF" })
        {
            var line = result.StandardOutput.Split('\n').Single(l => l.StartsWith($"{module}: ", StringComparison.Ordinal));
            Assert.Matches(@"ONNX Runtime +\d+ pairs/s \| TorchSharp +\d+ pairs/s", line);
            var error = double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(error < 1e-5, line);
        }
        Assert.Contains("no ratio to the official code", result.StandardOutput);
    }

    [Fact]
    public void Bench_score_wants_a_bundle_or_a_random_model()
    {
        var result = ToolProcess.Run("sgraf", "bench-score", "--images", "2");
        ToolProcess.AssertCleanFailure(result, "--bundle", "--random-full-size");
    }
}
