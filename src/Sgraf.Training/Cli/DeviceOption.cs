using System.CommandLine;
using Sgraf.Inference;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>--device cpu|cuda</c> of the verbs that measure ONNX Runtime on a device. Unlike the service, which runs on the
/// CPU when CUDA cannot start, a measurement asked for on CUDA refuses to report CPU figures under its name.
/// </summary>
internal static class DeviceOption
{
    public static Option<DeviceRequest> Create() => new("--device")
    {
        Description = "Where ONNX Runtime runs: cpu or cuda (cpu); cuda fails with the reason where CUDA cannot start",
        DefaultValueFactory = _ => DeviceRequest.Cpu,
    };

    /// <exception cref="InvalidInputException">CUDA was asked for and the runtime runs on the CPU, or Auto was given.</exception>
    public static SgrafRuntime Open(string bundle, SgrafRuntimeOptions options)
    {
        if (options.Device == DeviceRequest.Auto) throw new InvalidInputException("--device is cpu or cuda");
        var runtime = SgrafRuntime.Open(bundle, options);
        if (options.Device == DeviceRequest.Cuda && runtime.Device != ExecutionDevice.Cuda)
        {
            var reason = runtime.DeviceChoice.Reason;
            runtime.Dispose();
            throw new InvalidInputException($"--device cuda: {reason}");
        }
        return runtime;
    }
}
