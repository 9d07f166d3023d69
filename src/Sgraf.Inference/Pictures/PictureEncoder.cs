using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Sgraf.Inference.Runtime;

namespace Sgraf.Inference.Pictures;

/// <summary>
/// The picture encoder's ONNX Runtime session: pictures already at the encoder's input size (<see cref="PictureInput"/>)
/// → region features (N, 36, img_dim), the same features a bundle's image encoder takes. Its graph comes from a
/// bundle (<see cref="Open"/>) or is built from the ResNet-18 package (<see cref="FromPackage"/>).
/// Run is thread-safe; owns its session: dispose it.
/// </summary>
public sealed class PictureEncoder : IDisposable
{
    readonly InferenceSession session;
    readonly int batchSize;

    PictureEncoder(byte[] graph, BundlePictureEncoder description, string source, PictureEncoderOptions options, ILogger logger)
    {
        options.Validate();
        Description = description;
        batchSize = options.BatchSize;
        var choice = CudaAvailability.Choose(options.Device, options.CudaDeviceId);
        var device = choice.Device;
        InferenceSession? loaded = null;
        if (device == ExecutionDevice.Cuda)
        {
            // As SgrafRuntime does: a device that does not start leaves the CPU, whose load either works or names the graph's own error.
            try { loaded = CreateSession(graph, device, options); }
            catch (OnnxRuntimeException e)
            {
                choice = CudaAvailability.DeviceFailed(options.Device, options.CudaDeviceId, e);
                device = ExecutionDevice.Cpu;
            }
        }
        try
        {
            session = loaded ?? CreateSession(graph, device, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidInputException($"{source}: ONNX Runtime cannot load the picture encoder: {e.Message}");
        }
        Device = device;
        DeviceChoice = choice with { Device = device };
        if (!session.ModelMetadata.CustomMetadataMap.ContainsKey(PictureEncoderGraph.MetadataKey))
        {
            session.Dispose();
            throw new InvalidInputException($"{source}: not a picture encoder written by sgraf (no {PictureEncoderGraph.MetadataKey} metadata)");
        }
        RuntimeLog.PictureEncoderLoaded(logger, source, device.ToString(), InputSize, Regions, ImgDim);
    }

    static InferenceSession CreateSession(byte[] graph, ExecutionDevice device, PictureEncoderOptions options)
    {
        using var sessionOptions = OrtSessions.CreateOptions(device, options.CudaDeviceId, options.IntraOpThreads);
        return new InferenceSession(graph, sessionOptions);
    }

    /// <summary>What the encoder takes and gives, and what it was built from, as a bundle's manifest records it.</summary>
    public BundlePictureEncoder Description { get; }

    public ExecutionDevice Device { get; }

    /// <summary>Where the encoder runs and why (CUDA asked for on a host without it says what is missing).</summary>
    public DeviceChoice DeviceChoice { get; }

    /// <summary>Pictures per ONNX Runtime call (<see cref="PictureEncoderOptions.BatchSize"/>).</summary>
    public int BatchSize => batchSize;

    /// <summary>Pictures are <see cref="InputSize"/> × <see cref="InputSize"/>.</summary>
    public int InputSize => Description.InputSize;

    /// <summary>Bytes of one picture's input: <see cref="InputSize"/>² × 3 (RGB).</summary>
    public int InputBytes => InputSize * InputSize * 3;

    public int Regions => Description.Grid * Description.Grid;
    public int ImgDim => Description.ImgDim;

    /// <summary>Floats of one picture's features: <see cref="Regions"/> × <see cref="ImgDim"/>.</summary>
    public int FeatureCount => Regions * ImgDim;

    /// <summary>The bundle's picture encoder: its file, or, when the bundle comes without it, rebuilt from its package.</summary>
    /// <exception cref="InvalidInputException">The bundle has no picture encoder, or it cannot be rebuilt exactly.</exception>
    public static PictureEncoder Open(SgrafBundle bundle, PictureEncoderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var description = bundle.Manifest.PictureEncoder
            ?? throw new InvalidInputException(
                $"{bundle.Directory}: the bundle has no picture encoder; add one with `sgraf export-onnx --picture-encoder resnet18 --out {bundle.Directory}`");
        var path = bundle.PathOf(description.File);
        if (File.Exists(path))
            return new PictureEncoder(File.ReadAllBytes(path), description, path, options ?? new(), logger ?? NullLogger.Instance);
        var built = PictureEncoderGraph.BuildFrom(PictureEncoderPackage.Locate(), description);
        return new PictureEncoder(built.Graph, built.Description, $"{path} (rebuilt from {description.Source.Package} {description.Source.Version})",
            options ?? new(), logger ?? NullLogger.Instance);
    }

    /// <summary>The ResNet-18 grid encoder built in memory from the package this build restores.</summary>
    public static PictureEncoder FromPackage(PictureEncoderOptions? options = null, ILogger? logger = null)
    {
        var package = PictureEncoderPackage.Locate();
        var built = PictureEncoderGraph.Build(package);
        return new PictureEncoder(built.Graph, built.Description, $"{PictureEncoderPackage.Id} {PictureEncoderPackage.Version}",
            options ?? new(), logger ?? NullLogger.Instance);
    }

    /// <summary>Features of <paramref name="count"/> pictures: <c>count × Regions × ImgDim</c> floats, picture by picture.</summary>
    /// <param name="pixels"><paramref name="count"/> × <see cref="InputBytes"/> bytes, as <see cref="PictureInput"/> writes them.</param>
    public float[] Encode(ReadOnlySpan<byte> pixels, int count)
    {
        var features = new float[(long)count * FeatureCount];
        Encode(pixels, count, features);
        return features;
    }

    /// <inheritdoc cref="Encode(ReadOnlySpan{byte}, int)"/>
    public void Encode(ReadOnlySpan<byte> pixels, int count, Span<float> features)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (pixels.Length != (long)count * InputBytes)
            throw new ArgumentException($"{count} pictures take {(long)count * InputBytes} bytes, not {pixels.Length}", nameof(pixels));
        if (features.Length != (long)count * FeatureCount)
            throw new ArgumentException($"{count} pictures give {(long)count * FeatureCount} floats, not {features.Length}", nameof(features));
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.UInt8, [n, InputSize, InputSize, 3]);
            pixels.Slice(start * InputBytes, n * InputBytes).CopyTo(input.GetTensorMutableDataAsSpan<byte>());
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [Description.Input], [input], [Description.Output]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(features.Slice(start * FeatureCount, n * FeatureCount));
        }
    }

    public void Dispose() => session.Dispose();
}
