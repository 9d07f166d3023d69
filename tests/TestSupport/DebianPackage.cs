using System.Diagnostics;

namespace Sgraf.TestSupport;

/// <summary>
/// A program the tests need from a Debian package (redis-server, chromium): found where it is installed, else
/// installed first with the project's own script, scripts/install-deps.sh (as CI and a fresh machine need).
/// </summary>
public static class DebianPackage
{
    /// <param name="package">The package's name as install-deps.sh knows it.</param>
    /// <param name="locate">Where the program is, or null when it is not installed.</param>
    public static string Ensure(string package, Func<string?> locate)
    {
        if (locate() is { } found) return found;
        string script = Path.Combine(RepositoryPaths.Root, "scripts", "install-deps.sh");
        using var install = Process.Start(new ProcessStartInfo("bash", [script, package]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not run {script}");
        install.WaitForExit();
        return install.ExitCode == 0 && locate() is { } installed
            ? installed
            : throw new InvalidOperationException($"{package} is not installed and {script} could not install it (exit {install.ExitCode}).");
    }
}
