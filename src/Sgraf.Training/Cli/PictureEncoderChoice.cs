using System.CommandLine;
using Sgraf.Inference;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Cli;

/// <summary>
/// Where a picture command takes its encoder from: <c>--bundle B</c> (the bundle's picture encoder, rebuilt from its
/// package if the bundle comes without the file) or <c>--picture-encoder resnet18</c> (built in memory from the package
/// this build restores). Exactly one.
/// </summary>
internal sealed class PictureEncoderChoice
{
    public const string ResNet18 = "resnet18";

    public Option<string?> Bundle { get; } = new("--bundle") { Description = "ONNX bundle whose picture encoder to use" };

    public Option<string?> Encoder { get; } = new("--picture-encoder")
    {
        Description = $"Picture encoder built from its NuGet package instead of a bundle's: {ResNet18}",
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "ONNX Runtime intra-op threads (0: one per core)",
        DefaultValueFactory = _ => 0,
    };

    public Option<int> BatchSize { get; } = new("--batch-size")
    {
        Description = "Pictures per ONNX Runtime call (16)",
        DefaultValueFactory = _ => 16,
    };

    public Option<DeviceRequest> Device { get; } = DeviceOption.Create();

    public void AddTo(Command command)
    {
        command.Options.Add(Device);
        command.Options.Add(Bundle);
        command.Options.Add(Encoder);
        command.Options.Add(Threads);
        command.Options.Add(BatchSize);
    }

    /// <summary>Refuses a <c>--picture-encoder</c> name other than the one encoder there is; null (not given) passes.</summary>
    public static void CheckName(string? name)
    {
        if (name is not null && name != ResNet18)
            throw new InvalidInputException($"--picture-encoder: unknown encoder \"{name}\"; the one there is: {ResNet18}");
    }

    /// <exception cref="InvalidInputException">Neither or both given, an unknown encoder name, or a bundle without a picture encoder.</exception>
    public PictureEncoder Open(ParseResult parse)
    {
        var bundle = parse.GetValue(Bundle);
        var encoder = parse.GetValue(Encoder);
        if ((bundle is null) == (encoder is null))
            throw new InvalidInputException($"give --bundle B (its picture encoder) or --picture-encoder {ResNet18}, not both or neither");
        CheckName(encoder);
        int threads = parse.GetValue(Threads), batchSize = parse.GetValue(BatchSize);
        if (threads < 0) throw new InvalidInputException($"--threads must be 0 or more, not {threads}");
        if (batchSize <= 0) throw new InvalidInputException($"--batch-size must be at least 1, not {batchSize}");
        var device = parse.GetValue(Device);
        if (device == DeviceRequest.Auto) throw new InvalidInputException("--device is cpu or cuda");
        var options = new PictureEncoderOptions { IntraOpThreads = threads, BatchSize = batchSize, Device = device };
        var opened = bundle is not null ? PictureEncoder.Open(SgrafBundle.Open(bundle), options) : PictureEncoder.FromPackage(options);
        // The encoder runs on the CPU where CUDA cannot start; a measurement asked for on CUDA must not report CPU figures.
        if (device == DeviceRequest.Cuda && opened.Device != ExecutionDevice.Cuda)
        {
            var reason = opened.DeviceChoice.Reason;
            opened.Dispose();
            throw new InvalidInputException($"--device cuda: {reason}");
        }
        return opened;
    }
}
