using Microsoft.Extensions.Logging;

namespace Sgraf.Inference.Runtime;

internal static partial class RuntimeLog
{
    /// <summary>Where the sessions run and why; a warning when CUDA was asked for and the CPU runs them.</summary>
    [LoggerMessage(EventId = 1, Message = "ONNX Runtime runs on {Device}: {Reason}")]
    public static partial void DeviceChosen(ILogger logger, LogLevel level, string device, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded bundle {Bundle} ({Modules}) on {Device} with {Threads} intra-op threads")]
    public static partial void BundleLoaded(ILogger logger, string bundle, string modules, string device, int threads);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Bundle {Bundle} has no shortlist head: every search scores the whole gallery exactly (add one with sgraf train-shortlist and sgraf add-shortlist)")]
    public static partial void NoShortlistHead(ILogger logger, string bundle);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Picture encoder {Source} on {Device}: {InputSize}×{InputSize} pictures → {Regions} regions × {ImgDim}")]
    public static partial void PictureEncoderLoaded(ILogger logger, string source, string device, int inputSize, int regions, int imgDim);
}
