using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Asks every shard how it is, every 2 s, on every silo: what /health/ready and /metrics report. Asking also
/// activates a shard whose silo died (on a survivor) or that left for a new silo, so it recovers before a user's
/// request needs it rather than on that request.
/// </summary>
public sealed partial class ShardWatch(ShardCalls shards, IClusterMembershipService membership, IOptions<SgrafServiceOptions> options, ILogger<ShardWatch> logger)
    : BackgroundService
{
    static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    volatile ClusterView view = new([], []);

    /// <summary>One shard as last seen: its status, or why it did not answer.</summary>
    /// <param name="Owner">The silo placement gives it by the active silos now; differs from <paramref name="Silo"/>
    /// while a move is pending or in flight (the shard then answers 503 for a while), so "every shard ready on its
    /// owner" is what settled means.</param>
    /// <param name="Quarantined">Entries of the shard's stream set aside as unreadable (0 while it does not answer).</param>
    public sealed record ShardView(int Shard, bool Ready, string Silo, string Owner, string Detail, int Images, int Captions, long Quarantined);

    /// <summary>The shards and the active silos as last seen (empty until the first round).</summary>
    public sealed record ClusterView(IReadOnlyList<ShardView> Shards, IReadOnlyList<string> Silos)
    {
        public int Ready => Shards.Count(s => s.Ready);

        public int Images => Shards.Sum(s => s.Images);

        public int Captions => Shards.Sum(s => s.Captions);

        public long Quarantined => Shards.Sum(s => s.Quarantined);
    }

    public ClusterView Current => view;

    public int ShardCount => shards.Map.Shards;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Min(options.Value.Cluster.ShardTimeoutSeconds, 5));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var active = ShardOwner.Active(membership.CurrentSnapshot).ToList();
                var owners = active.Count == 0 ? null : ShardOwner.Owners(ShardCount, active);
                string Owner(int n) => owners?[n].Endpoint.ToString() ?? "";
                var seen = await Task.WhenAll(shards.Map.All.Select(async n =>
                {
                    try
                    {
                        var s = await shards.Shard(n).StatusAsync().WaitAsync(timeout, stoppingToken);
                        return new ShardView(n, s.Ready, s.Silo, Owner(n), s.Detail, s.Images, s.Captions, s.Quarantined);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        return new ShardView(n, false, "", Owner(n), $"not reachable: {e.GetType().Name}", 0, 0, 0);
                    }
                }));
                var silos = active.Select(s => s.Endpoint.ToString()).Order(StringComparer.Ordinal).ToList();
                view = new ClusterView(seen, silos);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, e);
            }
            try
            {
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the shards how they are")]
    static partial void LogRoundFailed(ILogger logger, Exception exception);
}
