using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Deployment;

/// <summary>
/// scripts/run-topology.sh driven from a test: redis-server, two API replicas and nginx on free loopback ports, in a
/// temp folder, with this build of the service. Stopped (and the folder removed) on dispose.
/// </summary>
public sealed class ProcessTopology : IAsyncDisposable
{
    public const string ApiKey = "topology-test-key";

    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string> _environment;

    private ProcessTopology()
    {
        int[] ports = FreeLoopbackPorts(4);
        BalancerPort = ports[0];
        ReplicaPorts = [ports[1], ports[2]];
        _environment = new()
        {
            ["SGRAF_TOPOLOGY_DIR"] = _directory.Path,
            ["SGRAF_BALANCER_PORT"] = BalancerPort.ToString(),
            ["SGRAF_REPLICA_PORTS"] = $"{ports[1]} {ports[2]}",
            ["SGRAF_REDIS_PORT"] = ports[3].ToString(),
            ["SGRAF_API_KEY"] = ApiKey,
            ["SGRAF_API_DLL"] = ServiceDll(),
        };
    }

    public int BalancerPort { get; }
    public int[] ReplicaPorts { get; }

    public static async Task<ProcessTopology> StartAsync()
    {
        var topology = new ProcessTopology();
        try
        {
            await topology.RunScriptAsync("start");
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
        return topology;
    }

    public HttpClient Balancer() => Client(BalancerPort);

    /// <summary>Straight to replica <paramref name="replica"/> (1 or 2), around the balancer.</summary>
    public HttpClient Replica(int replica) => Client(ReplicaPorts[replica - 1]);

    /// <summary>kill -9, as a crash.</summary>
    public Task KillReplicaAsync(int replica) => RunScriptAsync("kill-replica", replica.ToString());

    /// <summary>Starts the replica again; returns once it answers /health/ready with 200.</summary>
    public Task StartReplicaAsync(int replica) => RunScriptAsync("start-replica", replica.ToString());

    private static HttpClient Client(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    private async Task RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "run-topology.sh"));
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in _environment) start.Environment[name] = value;

        using var script = Process.Start(start) ?? throw new InvalidOperationException("could not run run-topology.sh");
        Task<string> output = script.StandardOutput.ReadToEndAsync();
        Task<string> errors = script.StandardError.ReadToEndAsync();
        // Generous: a fresh machine installs redis-server and nginx first.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await script.WaitForExitAsync(timeout.Token);
        Assert.True(script.ExitCode == 0,
            $"run-topology.sh {string.Join(' ', arguments)} exited with {script.ExitCode}:\n{await output}\n{await errors}");
    }

    /// <summary>The service as built beside these tests: src/Sgraf.Api/bin/&lt;Configuration&gt;/&lt;tfm&gt;/Sgraf.Api.dll.</summary>
    private static string ServiceDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(RepositoryPaths.Root, "src", "Sgraf.Api", "bin", output.Parent!.Name, output.Name, "Sgraf.Api.dll");
        Assert.True(File.Exists(dll), $"the service is not built at {dll}");
        return dll;
    }

    private static int[] FreeLoopbackPorts(int count)
    {
        // All held open at once, so the four are distinct.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        int[] ports = [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunScriptAsync("stop");
        }
        finally
        {
            _directory.Dispose();
        }
    }
}
