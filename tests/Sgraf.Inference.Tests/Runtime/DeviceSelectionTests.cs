using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Runtime;

/// <summary>
/// Where the runtime runs (Sgraf:Runtime:Device) with the default build's ONNX Runtime, the CUDA build, on this host:
/// one log line says which device and why, and a CUDA request that cannot run here runs on the CPU with the same scores.
/// </summary>
public sealed partial class DeviceSelectionTests(DemoBundles bundles) : IClassFixture<DemoBundles>
{
    static string DemoBundle => Path.Combine(RepositoryPaths.Models, "shapes-bundle");

    [Fact]
    public void The_default_build_runs_ONNX_Runtimes_CUDA_build_with_its_CUDA_provider_beside_it()
    {
        Assert.Contains("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        Assert.True(File.Exists(CudaProviderLibrary), $"{CudaProviderLibrary} should be in the build output");
    }

    [Fact]
    public void The_CPU_when_asked_for_says_so_in_one_line()
    {
        var logger = new RecordingLogger();
        using var runtime = SgrafRuntime.Open(DemoBundle, new SgrafRuntimeOptions { Device = DeviceRequest.Cpu }, logger);
        Assert.Equal(ExecutionDevice.Cpu, runtime.Device);
        var line = Assert.Single(logger.Entries, e => e.Message.StartsWith("ONNX Runtime runs on", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Information, "ONNX Runtime runs on Cpu: the CPU was asked for"), line);
    }

    [Theory]
    [InlineData(DeviceRequest.Cuda, LogLevel.Warning)]
    [InlineData(DeviceRequest.Auto, LogLevel.Information)]
    public void CUDA_where_it_cannot_run_gives_the_CPU_with_one_line_naming_the_missing_library_and_the_same_scores(DeviceRequest request, LogLevel level)
    {
        var missing = FirstMissingCudaLibrary();
        var logger = new RecordingLogger();
        using var runtime = SgrafRuntime.Open(DemoBundle, new SgrafRuntimeOptions { Device = request }, logger);

        var line = Assert.Single(logger.Entries, e => e.Message.StartsWith("ONNX Runtime runs on", StringComparison.Ordinal));
        if (missing is not null)
        {
            Assert.Equal(ExecutionDevice.Cpu, runtime.Device);
            Assert.Equal(level, line.Level);
            Assert.StartsWith($"ONNX Runtime runs on Cpu: {(request == DeviceRequest.Cuda ? "CUDA was asked for" : "Auto")}, but the CUDA library {missing} is missing (",
                line.Message);
            Assert.Contains("libonnxruntime_providers_cuda.so", line.Message);
        }
        else
        {
            // A host with CUDA's libraries: CUDA runs, or the line says why the device did not start.
            Assert.True(runtime.Device == ExecutionDevice.Cuda || line.Message.Contains("sessions do not start on CUDA device 0"), line.Message);
        }
        Assert.Equal(runtime.DeviceChoice.Reason, line.Message[(line.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Error);
        if (runtime.Device == ExecutionDevice.Cpu)
            Assert.Equal(bundles.Current.Score(bundles.Images, bundles.Captions).Values,
                runtime.Score(runtime.EncodeImages(bundles.Data.ImageFeatures, bundles.Data.ImageCount), runtime.EncodeCaptions(bundles.Data.Captions)).Values);
    }

    static string CudaProviderLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so");

    /// <summary>What the dynamic loader says when this test loads the CUDA provider itself: the first library it cannot find, or null.</summary>
    static string? FirstMissingCudaLibrary()
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(CudaProviderLibrary));
            return null;
        }
        catch (DllNotFoundException e)
        {
            var match = LoaderMessage().Match(e.Message);
            Assert.True(match.Success, e.Message);
            return match.Groups["library"].Value;
        }
    }

    [GeneratedRegex(@"(?<library>lib[^\s:/]+\.so[.0-9]*): cannot open shared object file")]
    private static partial Regex LoaderMessage();

    sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
