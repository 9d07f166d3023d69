using System.Diagnostics;
using System.Net;
using System.Text;
using Xunit;

namespace Sgraf.TestSupport;

/// <summary>
/// The built service (src/Sgraf.Api/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Sgraf.Api.dll) as a real process on a free loopback
/// port, with the demo bundle and the data folder given, for what only a process can show: kill -9, exit codes,
/// Kestrel's body limit and its own answers to malformed requests, hosting settings, and the sgraf verbs that talk to a service.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    /// <summary>The API key the service is started with (its Sgraf:ApiKeys:0).</summary>
    public const string ApiKey = "test-key-0123456789";

    /// <summary>The demo bundle the service serves.</summary>
    public static string BundlePath => Path.Combine(RepositoryPaths.Models, "shapes-bundle");

    readonly System.Diagnostics.Process process;
    readonly StringBuilder output = new();

    ServiceProcess(System.Diagnostics.Process process, int port)
    {
        this.process = process;
        Url = $"http://127.0.0.1:{port}";
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Url { get; }

    /// <summary>The process's id, e.g. to read its memory from /proc.</summary>
    public int ProcessId => process.Id;

    public string Output { get { lock (output) return output.ToString(); } }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>
    /// Starts the service listening on a free loopback port, told so the standard ASP.NET Core way: ASPNETCORE_URLS, or
    /// with <paramref name="portOnly"/> ASPNETCORE_HTTP_PORTS (every interface, as the container image does).
    /// </summary>
    public static ServiceProcess Start(string dataDirectory, IDictionary<string, string>? settings = null, bool portOnly = false)
    {
        int port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(BuiltDll());
        if (portOnly)
        {
            start.Environment.Remove("ASPNETCORE_URLS");
            start.Environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        return Launch(start, port, dataDirectory, settings);
    }

    /// <summary>
    /// Starts the service as the README says to: <c>dotnet run --project src/Sgraf.Api</c> (with its launch profile; without
    /// building again), told its address by ASPNETCORE_URLS or, with <paramref name="urlsArgument"/>, by <c>-- --urls</c>.
    /// </summary>
    public static ServiceProcess StartWithDotnetRun(string dataDirectory, bool urlsArgument)
    {
        int port = LoopbackPorts.Free();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryPaths.Root };
        foreach (var argument in new[] { "run", "--no-build", "-c", configuration, "--project", Path.Combine("src", "Sgraf.Api") }) start.ArgumentList.Add(argument);
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        if (urlsArgument)
        {
            start.Environment.Remove("ASPNETCORE_URLS");
            foreach (var argument in new[] { "--", "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(argument);
        }
        else start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        return Launch(start, port, dataDirectory, settings: null);
    }

    static ServiceProcess Launch(ProcessStartInfo start, int port, string dataDirectory, IDictionary<string, string>? settings)
    {
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Sgraf__BundleDirectory"] = BundlePath;
        start.Environment["Sgraf__DataDirectory"] = dataDirectory;
        start.Environment["Sgraf__DemoGallery__Enabled"] = "false";
        start.Environment["Sgraf__ApiKeys__0"] = ApiKey;
        start.Environment["Sgraf__Runtime__IntraOpThreads"] = "1";
        // As the variable names above spell them ("Sgraf:BundleDirectory" → Sgraf__BundleDirectory): a setting given with
        // colons would otherwise be a second variable for the same key, and which of the two wins is not defined.
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key.Replace(":", "__")] = value;
        return new ServiceProcess(System.Diagnostics.Process.Start(start)!, port);
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"the service exited with {(process.HasExited ? process.ExitCode : 0)}:\n{Output}");
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

    /// <summary>True once the process has exited and its last output lines are read: the timed wait alone returns before them.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout)) return false;
        process.WaitForExit();
        return true;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited) KillHard();
        process.Dispose();
    }

    /// <summary>The service as built beside these tests: src/Sgraf.Api/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Sgraf.Api.dll.</summary>
    public static string BuiltDll()
    {
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RepositoryPaths.Root, "src", "Sgraf.Api", "bin", build.Parent!.Name, build.Name, "Sgraf.Api.dll");
        Assert.True(File.Exists(dll), $"the service is not built at {dll}; build the solution (or src/Sgraf.Api) first");
        return dll;
    }
}
