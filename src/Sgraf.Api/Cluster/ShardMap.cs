using System.IO.Hashing;
using System.Text;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Which shard owns an id: XxHash32 of its UTF-8 bytes, modulo the shard count. Stable across processes, machines and
/// .NET versions (string.GetHashCode is not), so every silo routes an id to the same shard for the gallery's life.
/// </summary>
public sealed class ShardMap
{
    public ShardMap(int shards)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        Shards = shards;
    }

    public int Shards { get; }

    public IEnumerable<int> All => Enumerable.Range(0, Shards);

    public int ShardOf(string id) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(id)) % (uint)Shards);

    /// <summary>The items grouped by the shard that owns each one's id, in their given order within a shard.</summary>
    public Dictionary<int, List<T>> Split<T>(IEnumerable<T> items, Func<T, string> id)
    {
        var byShard = new Dictionary<int, List<T>>();
        foreach (var item in items)
        {
            int shard = ShardOf(id(item));
            if (!byShard.TryGetValue(shard, out var list)) byShard[shard] = list = [];
            list.Add(item);
        }
        return byShard;
    }
}
