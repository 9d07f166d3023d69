using System.CommandLine;
using System.Text.Json.Nodes;
using Sgraf.Inference.Data;
using Sgraf.Inference.Text;
using Sgraf.Training.Evaluation;

namespace Sgraf.Training.Cli;

/// <summary><c>sgraf make-probe</c>: a hard-negative probe file for a split's photo captions (<see cref="ProbeCaptionSwaps"/>), read by <c>sgraf evaluate --probe</c>.</summary>
internal static class MakeProbeCommand
{
    public static Command Create()
    {
        var captions = new Option<string>("--captions") { Description = "Caption file of the split, one caption per line in image order (e.g. test_caps.txt)", Required = true };
        var vocab = new Option<string>("--vocab") { Description = "Vocabulary the models were trained with: only swaps to words it knows are made", Required = true };
        var output = new Option<string>("--out") { Description = "Probe file to write (.jsonl)", Required = true };
        var perImage = new Option<int>("--captions-per-image") { Description = "Captions of each image, in order", DefaultValueFactory = _ => PrecompDataset.OfficialCaptionsPerImage };
        var seed = new Option<int>("--seed") { Description = "Seed of the choice of word and replacement", DefaultValueFactory = _ => 2026 };
        var command = new Command("make-probe", "Write a hard-negative probe for photo captions: one word of a known kind (colour, count, person, action) swapped")
        {
            captions, vocab, output, perImage, seed,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var lines = CaptionFile.Read(parse.GetValue(captions)!).ToList();
            var captionsPerImage = parse.GetValue(perImage);
            if (captionsPerImage <= 0) throw new Inference.InvalidInputException($"--captions-per-image must be a positive integer, got {captionsPerImage}");
            var entries = ProbeCaptionSwaps.Make(lines, captionsPerImage, Vocabulary.Load(parse.GetValue(vocab)!), parse.GetValue(seed));
            var path = parse.GetValue(output)!;
            File.WriteAllLines(path, entries.Select(e => new JsonObject
            {
                ["caption"] = e.Caption,
                ["image"] = e.Image,
                ["true"] = e.True,
                ["false"] = e.False,
                ["kind"] = e.Kind,
            }.ToJsonString()));
            var kinds = string.Join(", ", entries.GroupBy(e => e.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
            Console.WriteLine($"{entries.Count} probe entries from {lines.Count} captions ({kinds}) written to {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
