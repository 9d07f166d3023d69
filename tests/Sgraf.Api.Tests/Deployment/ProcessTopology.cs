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
    private readonly LoopbackScript _script;

    private ProcessTopology()
    {
        int[] ports = LoopbackPorts.Free(4);
        BalancerPort = ports[0];
        ReplicaPorts = [ports[1], ports[2]];
        _script = new LoopbackScript("run-topology.sh", new()
        {
            ["SGRAF_TOPOLOGY_DIR"] = _directory.Path,
            ["SGRAF_BALANCER_PORT"] = BalancerPort.ToString(),
            ["SGRAF_REPLICA_PORTS"] = $"{ports[1]} {ports[2]}",
            ["SGRAF_REDIS_PORT"] = ports[3].ToString(),
            ["SGRAF_API_KEY"] = ApiKey,
            ["SGRAF_API_DLL"] = ServiceProcess.BuiltDll(),
        });
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

    private static HttpClient Client(int port) => LoopbackScript.Client(port, ApiKey);

    private Task RunScriptAsync(params string[] arguments) => _script.RunAsync(arguments);

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
