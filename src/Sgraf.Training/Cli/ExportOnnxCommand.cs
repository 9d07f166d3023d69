using System.CommandLine;
using Sgraf.Inference;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Onnx;

namespace Sgraf.Training.Cli;

/// <summary><c>sgraf export-onnx</c>: one SGR and/or one SAF model → an ONNX bundle the runtime serves.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "Project checkpoint folder or official checkpoint file; give two (an SGR and a SAF) for an SGRAF bundle",
            Required = true,
            Arity = new ArgumentArity(1, 2),
        };
        var output = new Option<string>("--out") { Description = "Bundle folder to write", Required = true };
        var vocab = new Option<string?>("--vocab") { Description = "Vocabulary JSON the models were trained with (required unless --data finds it)" };
        var data = new Option<string?>("--data") { Description = "Precomp data folder; its vocabulary is found next to it, as the official layout has it" };
        var command = new Command("export-onnx", "Export SGR/SAF models to an ONNX bundle (image and text encoders, similarity graphs, vocabulary, manifest)")
        {
            models, output, vocab, data,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var paths = parse.GetValue(models)!;
            var outDir = parse.GetValue(output)!;
            var vocabPath = parse.GetValue(vocab)
                ?? (parse.GetValue(data) is { } dataDir ? VocabularyLocator.Find(dataDir)
                    : throw new InvalidInputException("--vocab FILE is required (or --data DIR to find the vocabulary next to the data)"));
            var sources = paths.Select(p => new ExportSource(ModelSource.Read(p), p)).ToArray();
            var manifest = BundleExporter.Export(sources, vocabPath, outDir, DateTimeOffset.UtcNow);
            Console.WriteLine($"exported {string.Join(" + ", manifest.Modules.Keys)} (opset {manifest.Opset}) to {outDir}: " +
                string.Join(", ", manifest.Files.Select(f => $"{f.Key} {f.Value.Size / 1024.0:0.#} KiB")));
            return CommandRunner.Success;
        }));
        return command;
    }
}
