using System.Diagnostics;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Deployment;

/// <summary>
/// One of the scripts that run a deployment as processes on 127.0.0.1 (scripts/run-topology.sh, run-cluster.sh),
/// run from a test with its settings in the environment; fails the test with the script's output when it fails.
/// </summary>
public sealed class LoopbackScript(string script, Dictionary<string, string> environment)
{
    public async Task RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", script));
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {script}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        // Generous: a fresh machine installs redis-server and nginx first.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0,
            $"{script} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
    }

    public static HttpClient Client(int port, string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

}
