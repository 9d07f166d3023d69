using System.Diagnostics;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>scripts/make-cluster-certs.sh, as an operator runs it: a CA in <c>directory</c> and a certificate per name signed by it.</summary>
internal static class MakeCertificates
{
    public static void Run(string directory, params string[] names)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "make-cluster-certs.sh"));
        start.ArgumentList.Add(directory);
        foreach (var name in names) start.ArgumentList.Add(name);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run make-cluster-certs.sh");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"make-cluster-certs.sh exited with {process.ExitCode}: {errors}");
    }
}
