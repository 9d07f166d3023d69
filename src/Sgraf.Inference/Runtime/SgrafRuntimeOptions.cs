namespace Sgraf.Inference.Runtime;

/// <summary>Where ONNX Runtime runs the graphs.</summary>
public enum ExecutionDevice
{
    Cpu,
    Cuda,
}

/// <summary>Where a runtime is asked to run; <see cref="SgrafRuntime.Device"/> says where it does (<see cref="DeviceChoice"/>).</summary>
public enum DeviceRequest
{
    Cpu,

    /// <summary>CUDA; on a host where it cannot start (no CUDA provider, a CUDA library missing, no device), the CPU with one warning.</summary>
    Cuda,

    /// <summary>CUDA when its provider loads and the device starts, else the CPU, said in one information line.</summary>
    Auto,
}

/// <summary>How <see cref="SgrafRuntime"/> runs a bundle.</summary>
public sealed record SgrafRuntimeOptions
{
    /// <summary>The CPU unless asked otherwise: a library's callers (tests, the CLI) get the same kernels on every host.</summary>
    public DeviceRequest Device { get; init; } = DeviceRequest.Cpu;

    /// <summary>CUDA device ordinal when <see cref="Device"/> is CUDA.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>ONNX Runtime intra-op threads per call; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Images or captions per encoder call.</summary>
    public int EncodeBatchSize { get; init; } = 128;

    /// <summary>
    /// Bound on the largest working tensor of one scoring call, in float elements: images × captions × words × embed_size.
    /// Scoring splits images and captions into chunks that fit it; ONNX Runtime keeps a few such tensors alive at once.
    /// 8M (about 650 pairs of 12 words at embed 1024) was the fastest of 0.5M–64M on a 2-core EPYC (docs/benchmarks.md).
    /// </summary>
    public long MaxScoreChunkElements { get; init; } = 8L << 20;

    /// <summary>
    /// Score chunks run side by side, each ONNX Runtime call with <see cref="IntraOpThreads"/> threads. On a CPU,
    /// chunks on one thread each keep every core on whole GEMMs; see docs/benchmarks.md.
    /// </summary>
    public int ScoreParallelism { get; init; } = 1;

    public void Validate()
    {
        if (!Enum.IsDefined(Device)) throw new ArgumentOutOfRangeException(nameof(Device), Device, "not a device request");
        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads, nameof(IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(CudaDeviceId, nameof(CudaDeviceId));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EncodeBatchSize, nameof(EncodeBatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxScoreChunkElements, nameof(MaxScoreChunkElements));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ScoreParallelism, nameof(ScoreParallelism));
    }
}
