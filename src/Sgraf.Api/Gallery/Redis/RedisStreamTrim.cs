using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// Keeps the stream bounded: every live replica publishes the stream id after which it still needs the stream (its
/// local checkpoint's) under a key that expires unless renewed, and the stream is trimmed (XTRIM MINID) to the smallest
/// of those and the current snapshot's id — never past what a live replica or a replica starting from the snapshot needs.
/// </summary>
/// <remarks>
/// A replica registers (with the smallest id, zero, while it starts) before it reads <see cref="RedisGalleryKeys.TrimmedTo"/>,
/// and the trim is one script, so a trim either ran before the registration (and the replica sees how far) or sees it.
/// A replica down for longer than its time to live no longer holds the stream back; on restart it sees its entries
/// gone and starts from the snapshot.
/// </remarks>
internal static class RedisStreamTrim
{
    // KEYS[1] replica set, KEYS[2] stream, KEYS[3] trimmed-to, KEYS[4] snapshot hash; ARGV[1] the replica key prefix.
    // Returns {entries removed, the id trimmed to (or why not)}.
    private const string Script = """
        local function less(a, b)
          local am, as = string.match(a, '^(%d+)-(%d+)$')
          local bm, bs = string.match(b, '^(%d+)-(%d+)$')
          am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
          return am < bm or (am == bm and as < bs)
        end
        local floor = redis.call('HGET', KEYS[4], 'id')
        if not floor then return {0, 'no snapshot'} end
        for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local need = redis.call('GET', ARGV[1] .. name)
          if not need then
            redis.call('SREM', KEYS[1], name)
          elseif less(need, floor) then
            floor = need
          end
        end
        if floor == '0-0' then return {0, floor} end
        local trimmed = redis.call('GET', KEYS[3])
        if trimmed and not less(trimmed, floor) then return {0, trimmed} end
        -- Every entry after the floor is kept; the floor's own entry is already in the snapshot and every checkpoint.
        local ms, seq = string.match(floor, '^(%d+)-(%d+)$')
        local removed = redis.call('XTRIM', KEYS[2], 'MINID', ms .. '-' .. string.format('%d', tonumber(seq) + 1))
        redis.call('SET', KEYS[3], floor)
        return {removed, floor}
        """;

    // KEYS[1] replica set, KEYS[2] the replica's key; ARGV: its name, the id it needs, time to live in ms.
    private const string HeartbeatScript = """
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    /// <summary>Publishes that replica <paramref name="name"/> needs the stream after <paramref name="need"/>, for <paramref name="ttl"/>.</summary>
    /// <remarks>
    /// The set member and the key in one script: a trim (or a snapshot's publish) running between two separate
    /// commands found the member without its key and removed it, so a starting replica went unseen until its next
    /// heartbeat, and the snapshot it was reading could be deleted under it.
    /// </remarks>
    public static Task HeartbeatAsync(IDatabaseAsync database, RedisGalleryKeys keys, string name, StreamEntryId need, TimeSpan ttl) =>
        database.ScriptEvaluateAsync(HeartbeatScript, [keys.Replicas, keys.Replica(name)],
            [name, need.ToString(), (long)ttl.TotalMilliseconds]);

    /// <summary>Trims the stream as far as every live replica and the snapshot allow.</summary>
    /// <returns>How many entries were removed.</returns>
    public static async Task<long> RunAsync(IDatabaseAsync database, RedisGalleryKeys keys)
    {
        var reply = (RedisResult[])(await database.ScriptEvaluateAsync(Script,
            [keys.Replicas, keys.Log, keys.TrimmedTo, keys.Snapshot], [keys.ReplicaPrefix]).ConfigureAwait(false))!;
        return (long)reply[0];
    }

    /// <summary>The id the stream was last trimmed to: it and the entries before it may be gone, every later one is kept. Zero when never trimmed.</summary>
    public static async Task<StreamEntryId> TrimmedToAsync(IDatabaseAsync database, RedisGalleryKeys keys) =>
        await database.StringGetAsync(keys.TrimmedTo).ConfigureAwait(false) is { HasValue: true } value
            ? StreamEntryId.Parse((string)value!)
            : StreamEntryId.Zero;
}
