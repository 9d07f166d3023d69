using Microsoft.Extensions.Logging;

namespace Sgraf.Inference.Runtime;

internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "CUDA was asked for but this ONNX Runtime has no CUDAExecutionProvider (available: {Providers}); running on the CPU. Build with -p:OnnxRuntimeFlavor=Gpu for CUDA.")]
    public static partial void CudaUnavailable(ILogger logger, string providers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded bundle {Bundle} ({Modules}) on {Device} with {Threads} intra-op threads")]
    public static partial void BundleLoaded(ILogger logger, string bundle, string modules, string device, int threads);
}
