using System.Diagnostics;
using Sgraf.Api.Gallery.Local;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Local;

/// <summary>A real process killed with SIGKILL mid-append: every acknowledged add must be there on reopen.</summary>
public class GalleryCrashTests
{
    [Fact]
    public async Task Every_acknowledged_add_survives_kill_9_of_the_writing_process()
    {
        using var dir = new GalleryDirectory();
        var acknowledged = new List<string>();

        using (Process writer = StartWriter(dir.LogPath))
        {
            while (acknowledged.Count < 300 && await writer.StandardOutput.ReadLineAsync() is { } line)
            {
                acknowledged.Add(line["ack ".Length..]);
            }
            writer.Kill(); // SIGKILL on Unix: no finalisers, no flushes, as a crash.
            await writer.WaitForExitAsync();
            // Lines printed before the kill landed were acknowledged too.
            while (await writer.StandardOutput.ReadLineAsync() is { } line && line.StartsWith("ack ", StringComparison.Ordinal))
            {
                acknowledged.Add(line["ack ".Length..]);
            }
        }

        Assert.True(acknowledged.Count >= 300, "the writer stopped before acknowledging 300 adds");
        using var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        foreach (string id in acknowledged)
        {
            Assert.True(log.State.Images.ContainsKey(id), $"acknowledged image {id} was lost");
        }
        Assert.Equal(4096, log.State.Images[acknowledged[^1]].Payload.Length);
    }

    private static Process StartWriter(string logPath)
    {
        // The writer is built beside this test assembly: tests/GalleryCrashWriter/bin/<Configuration>/<tfm>/.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string writerDll = Path.Combine(RepositoryPaths.Root, "tests", "GalleryCrashWriter", "bin",
            output.Parent!.Name, output.Name, "GalleryCrashWriter.dll");
        Assert.True(File.Exists(writerDll), $"crash writer not built at {writerDll}");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(writerDll);
        start.ArgumentList.Add(logPath);
        start.ArgumentList.Add(GalleryDirectory.Bundle);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the crash writer");
    }
}
