using System.Diagnostics;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>Finds redis-server, installing it with the project's script (as CI and a fresh machine need) when missing.</summary>
internal static class RedisServerExecutable
{
    private static readonly Lazy<string> Located = new(Locate);

    public static string Path => Located.Value;

    private static string Locate()
    {
        if (Find() is { } found) return found;
        string script = System.IO.Path.Combine(RepositoryPaths.Root, "scripts", "install-deps.sh");
        using var install = Process.Start(new ProcessStartInfo("bash", [script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not run {script}");
        install.WaitForExit();
        return install.ExitCode == 0 && Find() is { } installed
            ? installed
            : throw new InvalidOperationException($"redis-server is not installed and {script} could not install it (exit {install.ExitCode}).");
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(dir => System.IO.Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
