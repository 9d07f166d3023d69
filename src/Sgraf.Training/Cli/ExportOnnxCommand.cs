using System.CommandLine;
using Sgraf.Inference;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Onnx;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf export-onnx</c>: one SGR and/or one SAF model → an ONNX bundle the runtime serves; with
/// <c>--picture-encoder resnet18</c> the bundle also gets a picture encoder, and without <c>--model</c> that adds (or
/// rebuilds) the picture encoder of the bundle already in <c>--out</c>.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "Project checkpoint folder or official checkpoint file; give two (an SGR and a SAF) for an SGRAF bundle",
            Arity = new ArgumentArity(1, 2),
        };
        var output = new Option<string>("--out") { Description = "Bundle folder to write", Required = true };
        var vocab = new Option<string?>("--vocab") { Description = "Vocabulary JSON the models were trained with (required unless --data finds it)" };
        var data = new Option<string?>("--data") { Description = "Precomp data folder; its vocabulary is found next to it, as the official layout has it" };
        var pictureEncoder = new Option<string?>("--picture-encoder")
        {
            Description = $"Add a picture encoder built from its NuGet package ({PictureEncoderChoice.ResNet18}: ImageNet ResNet-18, 6 × 6 grid, img_dim 512); " +
                          "without --model, add it to the bundle in --out",
        };
        var command = new Command("export-onnx", "Export SGR/SAF models to an ONNX bundle (image and text encoders, similarity graphs, vocabulary, manifest)")
        {
            models, output, vocab, data, pictureEncoder,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var paths = parse.GetValue(models) ?? [];
            var outDir = parse.GetValue(output)!;
            var encoderName = parse.GetValue(pictureEncoder);
            PictureEncoderChoice.CheckName(encoderName);
            if (paths.Length == 0)
            {
                if (encoderName is null) throw new InvalidInputException("--model is required (or --picture-encoder alone, to add one to the bundle in --out)");
                ReportPictureEncoder(BundleExporter.AddPictureEncoder(outDir, PictureEncoderGraph.Build(PictureEncoderPackage.Locate())), outDir);
                return CommandRunner.Success;
            }
            var vocabPath = parse.GetValue(vocab)
                ?? (parse.GetValue(data) is { } dataDir ? VocabularyLocator.Find(dataDir)
                    : throw new InvalidInputException("--vocab FILE is required (or --data DIR to find the vocabulary next to the data)"));
            var sources = paths.Select(p => new ExportSource(ModelSource.Read(p), p)).ToArray();
            var manifest = BundleExporter.Export(sources, vocabPath, outDir, DateTimeOffset.UtcNow);
            Console.WriteLine($"exported {string.Join(" + ", manifest.Modules.Keys)} (opset {manifest.Opset}) to {outDir}: " +
                string.Join(", ", manifest.Files.Select(f => $"{f.Key} {f.Value.Size / 1024.0:0.#} KiB")));
            if (encoderName is not null)
                ReportPictureEncoder(BundleExporter.AddPictureEncoder(outDir, PictureEncoderGraph.Build(PictureEncoderPackage.Locate())), outDir);
            return CommandRunner.Success;
        }));
        return command;
    }

    static void ReportPictureEncoder(BundleManifest manifest, string outDir)
    {
        var encoder = manifest.PictureEncoder!;
        Console.WriteLine($"picture encoder {encoder.File} ({encoder.Size / 1048576.0:0.0} MiB, SHA-256 {encoder.Sha256}) from " +
                          $"{encoder.Source.Package} {encoder.Source.Version} added to {outDir}: {encoder.InputSize}×{encoder.InputSize} pictures → " +
                          $"{encoder.Grid * encoder.Grid} regions × {encoder.ImgDim}");
    }
}
