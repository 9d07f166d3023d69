using Sgraf.Inference.Runtime;

namespace Sgraf.Inference.Pictures;

/// <summary>How <see cref="PictureEncoder"/> runs.</summary>
public sealed record PictureEncoderOptions
{
    public DeviceRequest Device { get; init; } = DeviceRequest.Cpu;

    /// <summary>CUDA device ordinal when <see cref="Device"/> is CUDA.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>ONNX Runtime intra-op threads per call; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Pictures per ONNX Runtime call. ResNet-18's first activations take 3.2 MB a picture, so not hundreds.</summary>
    public int BatchSize { get; init; } = 16;

    public void Validate()
    {
        if (!Enum.IsDefined(Device)) throw new ArgumentOutOfRangeException(nameof(Device), Device, "not a device request");
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads, nameof(IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(CudaDeviceId, nameof(CudaDeviceId));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
    }
}
