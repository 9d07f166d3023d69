using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Sgraf.Api.Configuration;
using Orleans.Runtime.Placement;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Places shard n by rendezvous hashing with bounded load over the active silos: shards in order take the silo with
/// the highest hash of (shard, silo endpoint) that holds fewer than ceil(shards / silos). Every silo computes the same
/// owners from the same membership; plain rendezvous hashing left 7, 4 and 1 of 12 shards on 3 silos, the bound keeps
/// it at 4 each, and a silo joining or leaving still moves few shards.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ShardPlacement : PlacementStrategy
{
    internal static readonly ShardPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(ShardPlacement.Instance);

/// <remarks>
/// Picks among the silos membership lists as active (those the placement context offers), the same set the shard
/// checks its placement against: right after a crash the context may still offer the dead silo, and two views would
/// send a shard back and forth.
/// </remarks>
public sealed class ShardPlacementDirector(IOptions<SgrafServiceOptions> options, IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var active = ShardOwner.Active(membership.CurrentSnapshot).Select(s => s.Endpoint.ToString()).ToHashSet();
        var candidates = compatible.Where(s => active.Contains(s.Endpoint.ToString())).ToList();
        return Task.FromResult(ShardOwner.Pick((int)target.GrainIdentity.GetIntegerKey(), options.Value.Cluster.Shards,
            candidates.Count > 0 ? candidates : compatible));
    }
}

public static class ShardOwner
{
    /// <summary>The silos membership lists as active.</summary>
    public static IEnumerable<SiloAddress> Active(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    /// <summary>
    /// The silo that should hold <paramref name="shard"/> of <paramref name="shards"/>. Silos are known by endpoint, so
    /// a restarted silo (same endpoint, new generation; the newest counts) gets its shards back.
    /// </summary>
    public static SiloAddress Pick(int shard, int shards, IEnumerable<SiloAddress> silos) => Owners(shards, silos)[shard];

    /// <summary>The owner of every shard, as <see cref="Pick"/> gives each: shards take silos in order, so one pass names them all.</summary>
    public static SiloAddress[] Owners(int shards, IEnumerable<SiloAddress> silos)
    {
        var candidates = silos.GroupBy(s => s.Endpoint.ToString()).Select(g => g.MaxBy(s => s.Generation)!)
            .OrderBy(s => s.Endpoint.ToString(), StringComparer.Ordinal).ToList();
        if (candidates.Count == 0) throw new InvalidOperationException($"no active silo can hold the {shards} shards");
        int bound = (shards + candidates.Count - 1) / candidates.Count;
        var held = new int[candidates.Count];
        var owners = new SiloAddress[shards];
        for (int n = 0; n < shards; n++)
        {
            int owner = Enumerable.Range(0, candidates.Count).Where(i => held[i] < bound)
                .MaxBy(i => (Weight(n, candidates[i]), candidates[i].Endpoint.ToString()));
            owners[n] = candidates[owner];
            held[owner]++;
        }
        return owners;
    }

    static ulong Weight(int shard, SiloAddress silo) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{shard}|{silo.Endpoint}"));
}
