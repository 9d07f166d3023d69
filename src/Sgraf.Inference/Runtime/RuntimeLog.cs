using Microsoft.Extensions.Logging;

namespace Sgraf.Inference.Runtime;

internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "CUDA was asked for but this ONNX Runtime has no CUDAExecutionProvider (available: {Providers}); running on the CPU. Build with -p:OnnxRuntimeFlavor=Gpu for CUDA.")]
    public static partial void CudaUnavailable(ILogger logger, string providers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded bundle {Bundle} ({Modules}) on {Device} with {Threads} intra-op threads")]
    public static partial void BundleLoaded(ILogger logger, string bundle, string modules, string device, int threads);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Bundle {Bundle} has no shortlist head: every search scores the whole gallery exactly (add one with sgraf train-shortlist and sgraf add-shortlist)")]
    public static partial void NoShortlistHead(ILogger logger, string bundle);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Picture encoder {Source} on {Device}: {InputSize}×{InputSize} pictures → {Regions} regions × {ImgDim}")]
    public static partial void PictureEncoderLoaded(ILogger logger, string source, string device, int inputSize, int regions, int imgDim);
}
