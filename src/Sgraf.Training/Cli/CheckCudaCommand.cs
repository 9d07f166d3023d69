using System.CommandLine;
using System.Globalization;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf check-cuda</c>: the ONNX parity check on CUDA. Scores a precomp split (e.g. the official fixture's) with a
/// bundle on the CPU and on CUDA, and passes when every score of SGR, SAF and SGRAF is within the tolerance of the CPU's
/// and every exact search ranks its candidates in the same order (text-to-image per caption, image-to-text per image).
/// </summary>
internal static class CheckCudaCommand
{
    sealed record Request(string BundlePath, string DataDir, string Split, double MaxDifference, int CudaDevice);

    public static Command Create()
    {
        var bundle = new Option<string>("--bundle") { Description = "ONNX bundle (sgraf export-onnx)", Required = true };
        var data = new Option<string>("--data") { Description = "Folder holding {split}_ims.npy and {split}_caps.txt", Required = true };
        var split = new Option<string>("--split") { Description = "Split name (test)", DefaultValueFactory = _ => "test" };
        var maxDifference = new Option<double>("--max-difference")
        {
            Description = "Largest |CUDA − CPU| score difference that passes (1e-5)", DefaultValueFactory = _ => 1e-5,
        };
        var cudaDevice = new Option<int>("--cuda-device") { Description = "CUDA device ordinal (0)", DefaultValueFactory = _ => 0 };
        var command = new Command("check-cuda", "Scores on CUDA vs the CPU: within a tolerance, and every exact search ranking equal")
        {
            bundle, data, split, maxDifference, cudaDevice,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(parse.GetValue(bundle)!, parse.GetValue(data)!,
            parse.GetValue(split)!, parse.GetValue(maxDifference), parse.GetValue(cudaDevice)))));
        return command;
    }

    static int Run(Request request)
    {
        if (!(request.MaxDifference >= 0)) throw new InvalidInputException($"--max-difference must be 0 or more, got {request.MaxDifference}");
        var data = PrecompDataset.Load(request.DataDir, request.Split);
        using var cpu = SgrafRuntime.Open(request.BundlePath, new SgrafRuntimeOptions { Device = DeviceRequest.Cpu });
        using var cuda = DeviceOption.Open(request.BundlePath, new SgrafRuntimeOptions { Device = DeviceRequest.Cuda, CudaDeviceId = request.CudaDevice });
        Console.WriteLine($"check-cuda: {data.ImageCount} images × {data.Captions.Count} captions of {request.Split}; {cuda.DeviceChoice.Reason}");

        var onCpu = Scores(cpu, data);
        var onCuda = Scores(cuda, data);
        bool passed = true;
        foreach (var (name, expected) in onCpu)
        {
            var actual = onCuda[name];
            double difference = expected.Values.Zip(actual.Values, (a, b) => Math.Abs(a - b)).Max();
            int captionsAlike = Enumerable.Range(0, expected.Captions).Count(j => SameRanking(expected.Column(j), actual.Column(j)));
            int imagesAlike = Enumerable.Range(0, expected.Images).Count(i => SameRanking(expected.Row(i), actual.Row(i)));
            bool ok = difference <= request.MaxDifference && captionsAlike == expected.Captions && imagesAlike == expected.Images;
            passed &= ok;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-5}: max |CUDA − CPU| {difference:0.0E+0} (≤ {request.MaxDifference:0.0E+0}) | text-to-image rankings equal {captionsAlike} of {expected.Captions} | " +
                $"image-to-text rankings equal {imagesAlike} of {expected.Images} | {(ok ? "ok" : "FAILED")}"));
        }
        if (passed) return CommandRunner.Success;
        Console.Error.WriteLine("error: CUDA's scores or rankings differ from the CPU's beyond the tolerance (lines marked FAILED)");
        return CommandRunner.InputError;
    }

    static Dictionary<string, ScoreMatrix> Scores(SgrafRuntime runtime, PrecompDataset data)
    {
        var images = runtime.EncodeImages(data.ImageFeatures, data.ImageCount);
        var captions = runtime.EncodeCaptions(data.Captions);
        var scores = runtime.Modules.ToDictionary(m => BundleManifest.ModuleName(m).ToUpperInvariant(), m => runtime.Score(images, captions, m));
        scores["SGRAF"] = runtime.Score(images, captions);
        return scores;
    }

    static bool SameRanking(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual) =>
        RankingOrder.Top(expected, expected.Length).SequenceEqual(RankingOrder.Top(actual, actual.Length));
}
