using System.Diagnostics;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Page;

/// <summary>Debian's chromium, which Playwright drives (it downloads no browser); installed by the project's script when missing.</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    static readonly Lazy<string> Located = new(Locate);

    public static string Path => Located.Value;

    static string Locate()
    {
        if (File.Exists(Executable)) return Executable;
        string script = System.IO.Path.Combine(RepositoryPaths.Root, "scripts", "install-deps.sh");
        using var install = Process.Start(new ProcessStartInfo("bash", [script, "chromium"]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not run {script}");
        install.WaitForExit();
        return install.ExitCode == 0 && File.Exists(Executable)
            ? Executable
            : throw new InvalidOperationException($"{Executable} is missing and {script} could not install it (exit {install.ExitCode}).");
    }
}
