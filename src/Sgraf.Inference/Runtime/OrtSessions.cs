using Microsoft.ML.OnnxRuntime;

namespace Sgraf.Inference.Runtime;

/// <summary>How every ONNX Runtime session of Sgraf is set up: full graph optimisation, on the device already chosen
/// (<see cref="CudaAvailability.Choose"/>).</summary>
internal static class OrtSessions
{
    public static SessionOptions CreateOptions(ExecutionDevice device, int cudaDeviceId, int intraOpThreads)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
        };
        try
        {
            if (device == ExecutionDevice.Cuda) sessionOptions.AppendExecutionProvider_CUDA(cudaDeviceId);
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
        return sessionOptions;
    }
}
