using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

// FlavorScores BUNDLE DATA_DIR SPLIT OUT_PREFIX: the split's image × caption scores of each model and of SGRAF, as the
// raw float64 bytes of their matrices (OUT_PREFIX.SGR.f64, ...), with the runtime's default options (those of the test
// that compares them) and Device Auto; prints the providers this ONNX Runtime has and the device it chose.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: FlavorScores BUNDLE DATA_DIR SPLIT OUT_PREFIX");
    return 2;
}
var data = PrecompDataset.Load(args[1], args[2]);
using var runtime = SgrafRuntime.Open(args[0], new SgrafRuntimeOptions { Device = DeviceRequest.Auto });
var images = runtime.EncodeImages(data.ImageFeatures, data.ImageCount);
var captions = runtime.EncodeCaptions(data.Captions);
foreach (var module in runtime.Modules)
    Write(BundleManifest.ModuleName(module).ToUpperInvariant(), runtime.Score(images, captions, module).Values);
Write("SGRAF", runtime.Score(images, captions).Values);
Console.WriteLine($"providers: {string.Join(",", OrtEnv.Instance().GetAvailableProviders())}");
Console.WriteLine($"device: {runtime.Device}: {runtime.DeviceChoice.Reason}");
return 0;

void Write(string name, double[] scores) => File.WriteAllBytes($"{args[3]}.{name}.f64", MemoryMarshal.AsBytes(scores.AsSpan()).ToArray());
