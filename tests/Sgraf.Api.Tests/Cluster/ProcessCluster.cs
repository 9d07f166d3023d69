using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Tests.Deployment;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>
/// scripts/run-cluster.sh driven from a test: redis-server, silos of this build of the service and nginx on loopback
/// ports, in a temp folder. Stopped (and the folder removed) on dispose.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    public const string ApiKey = "cluster-test-key";

    readonly TempDirectory directory = new();
    readonly LoopbackScript script;
    readonly int siloPortBase;
    readonly int? gatewayPortBase;
    readonly int[] gatewaySilos;

    ProcessCluster(int silos, int shards, int[] gatewaySilos)
    {
        int[] ports = LoopbackPorts.Free(4);
        BalancerPort = ports[0];
        RedisPort = ports[1];
        siloPortBase = ports[2];
        gatewayPortBase = gatewaySilos.Length > 0 ? ports[3] : null;
        this.gatewaySilos = gatewaySilos;
        Shards = shards;
        var environment = new Dictionary<string, string>
        {
            ["SGRAF_CLUSTER_DIR"] = directory.Path,
            ["SGRAF_SILOS"] = silos.ToString(),
            ["SGRAF_SHARDS"] = shards.ToString(),
            ["SGRAF_BALANCER_PORT"] = BalancerPort.ToString(),
            ["SGRAF_REDIS_PORT"] = RedisPort.ToString(),
            ["SGRAF_SILO_PORT"] = ports[2].ToString(),
            ["SGRAF_API_KEY"] = ApiKey,
            ["SGRAF_API_DLL"] = ServiceProcess.BuiltDll(),
            ["SGRAF_READY_TIMEOUT"] = "240",
        };
        if (gatewaySilos.Length > 0)
        {
            environment["SGRAF_GATEWAY_PORT"] = ports[3].ToString();
            environment["SGRAF_GATEWAY_SILOS"] = string.Join(' ', gatewaySilos);
        }
        script = new LoopbackScript("run-cluster.sh", environment);
    }

    public int BalancerPort { get; }

    public int RedisPort { get; }

    public int Shards { get; }

    /// <summary>The password run-cluster.sh made for Redis.</summary>
    public string RedisPassword => File.ReadAllText(directory.File("redis-password")).Trim();

    /// <summary>The CA and silo certificates run-cluster.sh made (ca.crt, silo-N.crt/.key); more can be made beside them.</summary>
    public string CertificateDirectory => directory.File("certs");

    public int SiloPort(int silo) => siloPortBase + silo;

    /// <summary>Silo <paramref name="silo"/>'s gateway port, or null when it has none (the default).</summary>
    public int? GatewayPort(int silo) => gatewaySilos.Contains(silo) ? gatewayPortBase + silo : null;

    public int SiloPid(int silo) => int.Parse(File.ReadAllText(directory.File($"silo-{silo}.pid")).Trim());

    /// <param name="gatewaySilos">Silos that get an Orleans gateway (none by default, as in production).</param>
    public static async Task<ProcessCluster> StartAsync(int silos, int shards, params int[] gatewaySilos)
    {
        var cluster = new ProcessCluster(silos, shards, gatewaySilos);
        try
        {
            await cluster.script.RunAsync("start");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Silo <paramref name="silo"/>'s Orleans endpoint, as /health/ready names silos.</summary>
    public string SiloEndpoint(int silo) => $"127.0.0.1:{siloPortBase + silo}";

    public HttpClient Balancer() => LoopbackScript.Client(BalancerPort, ApiKey);

    public HttpClient Silo(int silo) => LoopbackScript.Client(BalancerPort + silo, ApiKey);

    public Task KillSiloAsync(int silo) => script.RunAsync("kill-silo", silo.ToString());

    /// <summary>Starts silo <paramref name="silo"/> (again, or a new one); returns once it answers /health/ready with 200.</summary>
    public Task StartSiloAsync(int silo) => script.RunAsync("start-silo", silo.ToString());

    /// <summary>Each shard's silo and readiness, as silo <paramref name="silo"/>'s /health/ready reports them.</summary>
    public async Task<IReadOnlyList<ShardState>> ShardsAsync(int silo)
    {
        using var client = Silo(silo);
        var body = JsonNode.Parse(await client.GetStringAsync("/health/ready"))!;
        return [.. body["cluster"]!["shardStates"]!.AsArray().Select(s => new ShardState(s!["shard"]!.GetValue<int>(), s["silo"]!.GetValue<string>(),
            s["owner"]!.GetValue<string>(), s["ready"]!.GetValue<bool>()))];
    }

    /// <summary>Waits until silo <paramref name="silo"/> sees every shard and <paramref name="settled"/> holds for them.</summary>
    public async Task WaitForShardsAsync(int silo, Func<IReadOnlyList<ShardState>, bool> settled, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        IReadOnlyList<ShardState> last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await ShardsAsync(silo);
            if (last.Count == Shards && settled(last)) return;
            await Task.Delay(250);
        }
        Assert.Fail($"the shards did not settle within {within}: {string.Join("; ", last)}\n{ShardLogLines()}");
    }

    /// <summary>What each silo's log said about shards (activations, recoveries, moves), last lines first to read when placement goes wrong.</summary>
    string ShardLogLines() => string.Join("\n", Directory.GetFiles(directory.Path, "silo-*.log").Order().Select(log =>
        $"{Path.GetFileName(log)}:\n  " + string.Join("\n  ", File.ReadLines(log).Where(l => l.Contains("Shard", StringComparison.Ordinal)).TakeLast(30))));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await script.RunAsync("stop");
        }
        finally
        {
            directory.Dispose();
        }
    }
}

/// <summary>One shard as a silo's /health/ready reports it: where it is, where placement wants it, whether it answers.</summary>
public sealed record ShardState(int Shard, string Silo, string Owner, bool Ready)
{
    /// <summary>Ready on its owner: no move pending or in flight, so nothing answers 503 for placement's sake.</summary>
    public bool Settled => Ready && Silo == Owner;
}
