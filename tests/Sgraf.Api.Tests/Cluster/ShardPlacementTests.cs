using System.Net;
using Sgraf.Api.Cluster;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>Which shard owns an id, and which silo owns a shard: stable, balanced, and moving little when silos change.</summary>
public sealed class ShardPlacementTests
{
    static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    [Fact]
    public void An_ids_shard_is_fixed_by_its_bytes_and_spreads_ids_evenly()
    {
        var map = new ShardMap(12);
        // Pinned: every silo, on any machine or .NET version, must route these ids to these shards for a gallery's life.
        // The shards were computed outside .NET, by a separate XxHash32 (seed 0) of the ids' UTF-8 bytes, modulo 12 and 6.
        Assert.Equal([11, 1, 4, 8], new[] { "image-0", "shapes-12345", "caption-017", "héllo-wörld-ünïcode-id-0001" }.Select(map.ShardOf));
        Assert.Equal([5, 1, 4, 2], new[] { "image-0", "shapes-12345", "caption-017", "héllo-wörld-ünïcode-id-0001" }.Select(new ShardMap(6).ShardOf));
        var counts = Enumerable.Range(0, 12_000).GroupBy(i => map.ShardOf($"image-{i}")).Select(g => g.Count()).ToList();
        Assert.Equal(12, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        var split = map.Split(["a", "b", "c", "a2"], id => id);
        Assert.Equal(4, split.Values.Sum(l => l.Count));
        Assert.All(split, part => Assert.All(part.Value, id => Assert.Equal(part.Key, map.ShardOf(id))));
    }

    [Fact]
    public void Shards_spread_evenly_over_silos_whatever_order_they_are_listed_in()
    {
        SiloAddress[] silos = [Silo(11111), Silo(11112), Silo(11113)];
        var owners = Enumerable.Range(0, 12).Select(s => ShardOwner.Pick(s, 12, silos)).ToList();
        Assert.All(owners.GroupBy(o => o), g => Assert.Equal(4, g.Count()));
        Assert.Equal(owners, Enumerable.Range(0, 12).Select(s => ShardOwner.Pick(s, 12, silos.Reverse())));
    }

    [Fact]
    public void A_silo_joining_takes_a_fair_share_and_a_restarted_silo_gets_its_shards_back()
    {
        SiloAddress[] three = [Silo(11111), Silo(11112), Silo(11113)];
        var before = Enumerable.Range(0, 12).Select(s => ShardOwner.Pick(s, 12, three).Endpoint).ToList();
        var after = Enumerable.Range(0, 12).Select(s => ShardOwner.Pick(s, 12, [.. three, Silo(11114)]).Endpoint).ToList();
        Assert.Equal(3, after.Count(e => e.Port == 11114));
        // A new silo moves its own share and few others (bounded load reshuffles a little, never everything).
        Assert.InRange(Enumerable.Range(0, 12).Count(s => !before[s].Equals(after[s])), 3, 6);

        // Same endpoint, newer generation (the table may still list the old one): the newest is picked.
        SiloAddress[] restarted = [Silo(11111), Silo(11112), Silo(11113, 1), Silo(11113, 2)];
        var again = Enumerable.Range(0, 12).Select(s => ShardOwner.Pick(s, 12, restarted)).ToList();
        Assert.Equal(before, again.Select(a => a.Endpoint));
        Assert.All(again.Where(a => a.Endpoint.Port == 11113), a => Assert.Equal(2, a.Generation));
    }
}
