using System.Diagnostics.Metrics;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Observability;

/// <summary>
/// Where ONNX Runtime runs the model: <c>sgraf_runtime_device{device="cpu"|"cuda"} 1</c>, one series for the device in
/// use, so a dashboard sees a replica that fell back to the CPU (Sgraf:Runtime:Device Auto or Cuda on a host without CUDA).
/// </summary>
public sealed class RuntimeDeviceMetrics
{
    volatile Func<ExecutionDevice>? read;

    public RuntimeDeviceMetrics(IMeterFactory meterFactory) =>
        SgrafMeter.Create(meterFactory).CreateObservableGauge("runtime_device", Observe, "{device}", "The device ONNX Runtime runs the model on (1 for the one in use).");

    /// <summary>Reads the device with <paramref name="reader"/> at every scrape. A later call replaces the reader.</summary>
    public void ReadFrom(Func<ExecutionDevice> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        read = reader;
    }

    IEnumerable<Measurement<int>> Observe() =>
        read is { } reader ? [new(1, new KeyValuePair<string, object?>("device", reader().ToString().ToLowerInvariant()))] : [];
}
