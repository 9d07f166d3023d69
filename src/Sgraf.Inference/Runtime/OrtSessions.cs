using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Sgraf.Inference.Runtime;

/// <summary>How every ONNX Runtime session of Sgraf is set up: full graph optimisation, the device asked for.</summary>
internal static class OrtSessions
{
    const string CudaProvider = "CUDAExecutionProvider";

    /// <param name="actual">CUDA only when asked for and ONNX Runtime's CUDA build is loaded; else the CPU, with one warning.</param>
    public static SessionOptions CreateOptions(ExecutionDevice device, int cudaDeviceId, int intraOpThreads, ILogger logger, out ExecutionDevice actual)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
        };
        actual = ExecutionDevice.Cpu;
        if (device == ExecutionDevice.Cuda)
        {
            var providers = OrtEnv.Instance().GetAvailableProviders();
            if (providers.Contains(CudaProvider))
            {
                sessionOptions.AppendExecutionProvider_CUDA(cudaDeviceId);
                actual = ExecutionDevice.Cuda;
            }
            else
            {
                RuntimeLog.CudaUnavailable(logger, string.Join(", ", providers));
            }
        }
        return sessionOptions;
    }
}
