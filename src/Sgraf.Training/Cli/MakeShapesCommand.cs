using System.CommandLine;
using System.Diagnostics;
using Sgraf.Inference;
using Sgraf.Shapes;

namespace Sgraf.Training.Cli;

/// <summary><c>sgraf make-shapes</c>: writes the synthetic shapes benchmark (precomp layout, scenes, SVGs, hard-negative probe).</summary>
internal static class MakeShapesCommand
{
    public static Command Create()
    {
        var defaults = new ShapesBenchmarkOptions();
        var outDir = new Option<string>("--out") { Description = "Folder to write the benchmark to", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the scenes and noise (the feature tables are fixed)", DefaultValueFactory = _ => defaults.Seed };
        var train = new Option<int>("--train") { Description = "Training images", DefaultValueFactory = _ => defaults.Train };
        var dev = new Option<int>("--dev") { Description = "Validation images", DefaultValueFactory = _ => defaults.Dev };
        var test = new Option<int>("--test") { Description = "Test images", DefaultValueFactory = _ => defaults.Test };
        var imgDim = new Option<int>("--img-dim") { Description = "Region feature size", DefaultValueFactory = _ => defaults.ImgDim };
        var command = new Command("make-shapes", "Generate the synthetic shapes benchmark: attribute binding, relations and counts")
        {
            outDir, seed, train, dev, test, imgDim,
        };
        command.SetAction(parse => CommandRunner.Run(() => Make(parse.GetValue(outDir)!, new ShapesBenchmarkOptions(
            parse.GetValue(seed), parse.GetValue(train), parse.GetValue(dev), parse.GetValue(test), parse.GetValue(imgDim)))));
        return command;
    }

    static int Make(string outDir, ShapesBenchmarkOptions options)
    {
        foreach (var (name, images) in options.Splits)
            if (images < 1) throw new InvalidInputException($"--{name}: needs at least one image, got {images}");
        if (options.ImgDim < 1) throw new InvalidInputException($"--img-dim: must be positive, got {options.ImgDim}");

        var clock = Stopwatch.StartNew();
        var summary = CommandRunner.WithProgress($"writing {options.TotalImages} shapes images", task =>
        {
            task.MaxValue = options.TotalImages;
            return ShapesBenchmarkWriter.Write(outDir, options, images => task.Increment(images));
        });
        Console.WriteLine($"{outDir}: train {options.Train}, dev {options.Dev}, test {options.Test} images × 36 regions × {options.ImgDim}; " +
                          $"{summary.VocabularySize} words; {summary.ProbeCount} probe pairs; {clock.Elapsed.TotalSeconds:0.0} s");
        return CommandRunner.Success;
    }
}
