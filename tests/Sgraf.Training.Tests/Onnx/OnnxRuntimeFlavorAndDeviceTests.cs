using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// The two ONNX Runtime packages a build can carry (OnnxRuntimeFlavor): the default build's CUDA build, running on its
/// CPU provider here, and the slim CPU-only package, run in a process of its own (tests/FlavorScores built with
/// -p:OnnxRuntimeFlavor=Cpu), score the official fixture bit for bit alike. And the CLI's measurements on CUDA
/// (scripts/gpu-check.sh) compare with the CPU where CUDA runs, and say in one line why not where it cannot start.
/// </summary>
public sealed class OnnxRuntimeFlavorAndDeviceTests(OfficialBundle bundle) : IClassFixture<OfficialBundle>
{
    [Fact]
    public void The_CPU_only_package_scores_the_official_fixture_bit_for_bit_as_the_CUDA_builds_CPU_provider()
    {
        Assert.Contains("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        Assert.Equal(ExecutionDevice.Cpu, bundle.Runtime.Device);
        using var work = new TempDirectory();
        var prefix = work.File("scores");

        var run = RunCpuFlavor(bundle.Directory, OfficialFixture.DataDir, "test", prefix);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("providers: CPUExecutionProvider\n", run.StandardOutput);
        Assert.Contains("device: Cpu: Auto, but this ONNX Runtime has no CUDA provider", run.StandardOutput);
        foreach (var (name, scores) in new[]
                 {
                     ("SGR", bundle.Runtime.Score(bundle.Images, bundle.Captions, SimilarityModule.SGR).Values),
                     ("SAF", bundle.Runtime.Score(bundle.Images, bundle.Captions, SimilarityModule.SAF).Values),
                     ("SGRAF", bundle.Runtime.Score(bundle.Images, bundle.Captions).Values),
                 })
        {
            Assert.Equal(bundle.Data.ImageCount * bundle.Data.Captions.Count, scores.Length);
            Assert.True(MemoryMarshal.AsBytes(scores.AsSpan()).SequenceEqual(File.ReadAllBytes($"{prefix}.{name}.f64")),
                $"{name}: the CPU-only package's scores differ from the CUDA build's");
        }
    }

    [Fact]
    public void Check_cuda_compares_CUDA_with_the_CPU_or_says_in_one_line_why_CUDA_cannot_start()
    {
        var result = ToolProcess.Run("sgraf", "check-cuda", "--bundle", bundle.Directory, "--data", OfficialFixture.DataDir);
        if (result.ExitCode == 0)
        {
            foreach (var name in new[] { "SGR", "SAF", "SGRAF" })
                Assert.Matches($@"(?m)^{name} *: max \|CUDA − CPU\| .* text-to-image rankings equal 100 of 100 \| image-to-text rankings equal 20 of 20 \| ok$",
                    result.StandardOutput);
            return;
        }
        ToolProcess.AssertCleanFailure(result, "error: --device cuda: CUDA was asked for, but ");
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Bench_score_on_CUDA_measures_CUDA_or_says_in_one_line_why_it_cannot_start()
    {
        var result = ToolProcess.Run("sgraf", "bench-score", "--bundle", bundle.Directory, "--onnx-only", "--device", "cuda",
            "--images", "3", "--captions", "4", "--repeat", "1");
        if (result.ExitCode == 0)
        {
            Assert.Contains(", Cuda; TorchSharp", result.StandardOutput);
            return;
        }
        ToolProcess.AssertCleanFailure(result, "error: --device cuda: CUDA was asked for, but ");
    }

    [Fact]
    public void Bench_pictures_on_CUDA_measures_CUDA_or_says_in_one_line_why_it_cannot_start()
    {
        var result = ToolProcess.Run("sgraf", "bench-pictures", "--picture-encoder", "resnet18", "--pictures",
            Path.GetDirectoryName(SamplePhotos.Chelsea)!, "--count", "2", "--batch-size", "2", "--device", "cuda");
        if (result.ExitCode == 0)
        {
            Assert.Contains(", on Cuda, ", result.StandardOutput);
            return;
        }
        ToolProcess.AssertCleanFailure(result, "error: --device cuda: CUDA was asked for, but ");
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Bench_pictures_on_the_CPU_says_so()
    {
        var result = ToolProcess.Run("sgraf", "bench-pictures", "--picture-encoder", "resnet18", "--pictures",
            Path.GetDirectoryName(SamplePhotos.Chelsea)!, "--count", "2", "--batch-size", "2", "--device", "cpu", "--threads", "1");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(", on Cpu, ", result.StandardOutput);
        Assert.Matches(@"(?m)^decode \+ encode .* photos/s$", result.StandardOutput);
    }

    /// <summary>FlavorScores as the CPU flavour built it: tests/FlavorScores/bin.cpu/&lt;Configuration&gt;/&lt;tfm&gt;/&lt;rid&gt;/, as this assembly's.</summary>
    static ToolProcess.Result RunCpuFlavor(params string[] arguments)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepositoryPaths.Root, "tests", "FlavorScores", "bin.cpu", output.Parent!.Name, output.Name,
            RuntimeInformation.RuntimeIdentifier, "FlavorScores.dll");
        Assert.True(File.Exists(dll), $"the CPU flavour of FlavorScores is not built at {dll}");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(dll)!, "libonnxruntime_providers_cuda.so")), "the CPU flavour should carry no CUDA provider");
        return ToolProcess.RunAssembly(dll, arguments);
    }
}
