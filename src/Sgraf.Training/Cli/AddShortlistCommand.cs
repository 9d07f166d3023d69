using System.CommandLine;
using Sgraf.Training.Onnx;
using Sgraf.Training.Shortlist;

namespace Sgraf.Training.Cli;

/// <summary><c>sgraf add-shortlist</c>: puts a trained shortlist head into a bundle (in place, or into a copy with --out).</summary>
internal static class AddShortlistCommand
{
    public static Command Create()
    {
        var bundle = new Option<string>("--bundle") { Description = "The bundle the head was trained on", Required = true };
        var shortlist = new Option<string>("--shortlist") { Description = "Head folder written by sgraf train-shortlist", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the bundle with the head here (default: change --bundle in place)" };
        var command = new Command("add-shortlist", "Add a trained shortlist head to an ONNX bundle (its encoders are unchanged, so stored galleries keep working)")
        {
            bundle, shortlist, output,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var bundleDir = parse.GetValue(bundle)!;
            var headDir = parse.GetValue(shortlist)!;
            var outDir = parse.GetValue(output) ?? bundleDir;
            var manifest = BundleExporter.AddShortlist(bundleDir, new ShortlistSource(ShortlistCheckpoint.Load(headDir), headDir), outDir);
            Console.WriteLine($"added the shortlist head ({manifest.Shortlist!.Config.DimensionsKey()}) to {outDir}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
