using System.CommandLine;

namespace Sgraf.Training.Cli;

/// <summary>The <c>sgraf</c> tool: one verb per file in this folder.</summary>
public static class SgrafCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Sgraf: SGRAF image-text matching — import official checkpoints, evaluate, train, export.");
        root.Subcommands.Add(ImportOfficialCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(MakeShapesCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(BuildVocabCommand.Create());
        root.Subcommands.Add(ExportOnnxCommand.Create());
        root.Subcommands.Add(TrainShortlistCommand.Create());
        root.Subcommands.Add(AddShortlistCommand.Create());
        root.Subcommands.Add(BenchScoreCommand.Create());
        root.Subcommands.Add(ExtractFeaturesCommand.Create());
        root.Subcommands.Add(BenchPicturesCommand.Create());
        root.Subcommands.Add(CheckCudaCommand.Create());
        root.Subcommands.Add(BenchTrainCommand.Create());
        root.Subcommands.Add(MakeProbeCommand.Create());
        return root;
    }
}
