using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Deployment;

/// <summary>
/// scripts/run-topology.sh driven from a test: redis-server, two API replicas and nginx on free loopback ports, in a
/// temp folder, with this build of the service; nginx serves HTTPS with a self-signed certificate, as a deployment
/// should, and its plain HTTP port redirects there. Stopped (and the folder removed) on dispose.
/// </summary>
public sealed class ProcessTopology : IAsyncDisposable
{
    public const string ApiKey = "topology-test-key";

    private readonly TempDirectory _directory = new();
    private readonly LoopbackScript _script;

    private ProcessTopology()
    {
        int[] ports = LoopbackPorts.Free(5);
        BalancerPort = ports[0];
        ReplicaPorts = [ports[1], ports[2]];
        HttpsPort = ports[4];
        Certificate = SelfSignedCertificate.Create(_directory.Path);
        _script = new LoopbackScript("run-topology.sh", new()
        {
            ["SGRAF_TLS_CERTIFICATE"] = Certificate.CertificatePath,
            ["SGRAF_TLS_KEY"] = Certificate.KeyPath,
            ["SGRAF_HTTPS_PORT"] = HttpsPort.ToString(),
            ["SGRAF_TOPOLOGY_DIR"] = _directory.Path,
            ["SGRAF_BALANCER_PORT"] = BalancerPort.ToString(),
            ["SGRAF_REPLICA_PORTS"] = $"{ports[1]} {ports[2]}",
            ["SGRAF_REDIS_PORT"] = ports[3].ToString(),
            ["SGRAF_API_KEY"] = ApiKey,
            ["SGRAF_API_DLL"] = ServiceProcess.BuiltDll(),
        });
    }

    /// <summary>nginx's plain HTTP port, which redirects to <see cref="HttpsPort"/> (and answers /health/ready).</summary>
    public int BalancerPort { get; }
    public int HttpsPort { get; }
    public int[] ReplicaPorts { get; }
    public SelfSignedCertificate Certificate { get; }

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

    /// <summary>nginx over HTTPS, trusting its certificate.</summary>
    public HttpClient Balancer() => Certificate.Client($"https://127.0.0.1:{HttpsPort}", ApiKey);

    /// <summary>nginx over plain HTTP, following no redirects.</summary>
    public HttpClient PlainBalancer() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{BalancerPort}") };

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
