using System.CommandLine;

namespace Sgraf.LoadTest.Cli;

/// <summary>The <c>sgraf-load</c> tool: HTTP clients of a running service (load tests, bulk import); one verb per file here.</summary>
public static class LoadCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("sgraf-load: load-test a running Sgraf service, compare runs, fill its gallery, and compare two services' answers.");
        root.Subcommands.Add(BenchApiCommand.Create());
        root.Subcommands.Add(BenchApiCompareCommand.Create());
        root.Subcommands.Add(BenchAdmissionCommand.Create());
        root.Subcommands.Add(GalleryCommand.Create());
        root.Subcommands.Add(CompareAnswersCommand.Create());
        return root;
    }
}
