using System.CommandLine;
using Sgraf.Inference.Data;
using Sgraf.Inference.Text;

namespace Sgraf.Training.Cli;

/// <summary><c>sgraf build-vocab</c>: the official vocab.py build_vocab over caption files (spec §11), written in the official JSON format.</summary>
internal static class BuildVocabCommand
{
    public static Command Create()
    {
        var captions = new Option<string[]>("--captions")
        {
            Description = "Caption files, one caption per line (officially train_caps.txt and dev_caps.txt)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { Description = "Vocabulary JSON to write", Required = true };
        var threshold = new Option<int>("--threshold")
        {
            Description = "Keep words seen at least this many times",
            DefaultValueFactory = _ => VocabularyBuilder.OfficialThreshold,
        };
        var command = new Command("build-vocab", "Build a vocabulary from caption files with the official rule") { captions, output, threshold };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var files = parse.GetValue(captions)!;
            var minimum = parse.GetValue(threshold);
            if (minimum <= 0) throw new Inference.InvalidInputException($"--threshold must be a positive integer, got {minimum}");
            var vocabulary = VocabularyBuilder.Build(files.SelectMany(CaptionFile.Read), minimum);
            var path = parse.GetValue(output)!;
            vocabulary.Save(path);
            Console.WriteLine($"{vocabulary.Count} words ({vocabulary.Count - 4} from the captions, seen at least {minimum} times) written to {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
