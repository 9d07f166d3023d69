using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sgraf.TestSupport;

namespace Sgraf.Training.Tests.Cli;

/// <summary>
/// The built service (src/Sgraf.Api/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Sgraf.Api.dll, built with the solution) as a real process on a
/// free loopback port with the demo bundle and an empty gallery in a temp folder, for verbs that talk to a service.
/// </summary>
internal sealed class RunningService : IDisposable
{
    public const string ApiKey = "cli-test-key-0123456789";

    readonly Process process;
    readonly TempDirectory data;
    readonly StringBuilder output = new();

    RunningService(Process process, TempDirectory data, string url)
    {
        this.process = process;
        this.data = data;
        Url = url;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Url { get; }

    public static async Task<RunningService> StartAsync()
    {
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepositoryPaths.Root, "src", "Sgraf.Api", "bin", build.Parent!.Name, build.Name, "Sgraf.Api.dll");
        Assert.True(File.Exists(dll), $"the service is not built at {dll}; build the solution (or src/Sgraf.Api) first");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var url = $"http://127.0.0.1:{FreePort()}";
        foreach (var argument in new[] { "exec", dll, "--urls", url }) start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Sgraf__BundleDirectory"] = Path.Combine(RepositoryPaths.Models, "shapes-bundle");
        start.Environment["Sgraf__DemoGallery__Enabled"] = "false";
        start.Environment["Sgraf__ApiKeys__0"] = ApiKey;
        start.Environment["Sgraf__Runtime__IntraOpThreads"] = "1";
        var data = new TempDirectory();
        start.Environment["Sgraf__DataDirectory"] = data.Path;
        var service = new RunningService(Process.Start(start)!, data, url);
        try
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    public HttpClient Client() => new() { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };

    async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"the service exited:\n{Output}");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the service was not ready within {timeout}:\n{Output}");
    }

    string Output { get { lock (output) return output.ToString(); } }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
        data.Dispose();
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
