using System.IO.Hashing;
using System.Text;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Places shard n on the silo that rendezvous hashing picks among the active silos: the highest hash of (n, silo
/// endpoint). Every silo computes the same owner from the same membership; a silo joining takes about 1/N of the
/// shards and a silo leaving gives up only its own, so a change moves as few shards as it can.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ShardPlacement : PlacementStrategy
{
    internal static readonly ShardPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(ShardPlacement.Instance);

public sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context) =>
        Task.FromResult(ShardOwner.Pick((int)target.GrainIdentity.GetIntegerKey(), context.GetCompatibleSilos(target)));
}

public static class ShardOwner
{
    /// <summary>The silo that should hold <paramref name="shard"/>. A restarted silo (same endpoint, new generation) gets its shards back.</summary>
    public static SiloAddress Pick(int shard, IEnumerable<SiloAddress> silos) =>
        silos.MaxBy(silo => (Weight(shard, silo), silo.Endpoint.ToString()))
        ?? throw new InvalidOperationException($"no active silo can hold shard {shard}");

    static ulong Weight(int shard, SiloAddress silo) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{shard}|{silo.Endpoint}"));
}
