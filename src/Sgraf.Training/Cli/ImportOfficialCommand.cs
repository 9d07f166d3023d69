using System.CommandLine;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Cli;

/// <summary><c>sgraf import-official</c>: an official torch.save checkpoint → the project's checkpoint folder.</summary>
internal static class ImportOfficialCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "Official SGRAF checkpoint (e.g. model_best.pth.tar), zip or legacy torch.save format",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder to write config.json and weights.safetensors into",
            Required = true,
        };
        var command = new Command("import-official", "Convert an official SGRAF checkpoint into the project's format") { checkpoint, output };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var path = parse.GetValue(checkpoint)!;
            var directory = parse.GetValue(output)!;
            var official = OfficialCheckpoint.Load(path);
            ModelCheckpoint.FromOfficial(official, DateTimeOffset.UtcNow).Save(directory);
            var c = official.Config;
            Console.WriteLine(
                $"imported {c.Module} (vocab {c.VocabSize}, img {c.ImgDim}, word {c.WordDim}, embed {c.EmbedSize}, sim {c.SimDim}" +
                (c.Module == Inference.Model.SimilarityModule.SGR ? $", {c.SgrStep} steps" : "") +
                $", epoch {official.Epoch}) from {path} into {directory}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
