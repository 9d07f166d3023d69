using Microsoft.Extensions.Logging;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>How the runtime behaves around the scores: concurrent callers, and asking for CUDA on a CPU-only build.</summary>
public sealed class RuntimeBehaviourTests(OfficialBundle bundle) : IClassFixture<OfficialBundle>
{
    [Fact]
    public void Concurrent_callers_get_the_same_scores_as_one_caller()
    {
        var expected = bundle.Runtime.Score(bundle.Images, bundle.Captions).Values;
        var results = new double[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var captions = bundle.Runtime.EncodeCaptions(bundle.Data.Captions);
            results[k] = bundle.Runtime.Score(bundle.Images, captions).Values;
        });
        foreach (var result in results) Assert.Equal(expected, result);
    }

    [Fact]
    public void Asking_for_CUDA_without_the_GPU_build_runs_on_the_CPU_with_one_warning()
    {
        var logger = new RecordingLogger();
        using var runtime = SgrafRuntime.Open(bundle.Directory, new SgrafRuntimeOptions { Device = ExecutionDevice.Cuda }, logger);
        Assert.Equal(ExecutionDevice.Cpu, runtime.Device);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("CUDAExecutionProvider", warning.Message);
        var images = runtime.EncodeImages(bundle.Data.ImageFeatures, bundle.Data.ImageCount);
        Assert.Equal(bundle.Runtime.Score(bundle.Images, bundle.Captions).Values,
            runtime.Score(images, runtime.EncodeCaptions(bundle.Data.Captions)).Values);
    }

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
