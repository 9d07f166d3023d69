using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>The names one gallery uses in Redis, all under its key prefix so several galleries can share a server.</summary>
internal sealed class RedisGalleryKeys(string prefix)
{
    /// <summary>String: the hash of the bundle the gallery was encoded with. Set once, by the first replica.</summary>
    public RedisKey Bundle { get; } = $"{prefix}:gallery:bundle";

    /// <summary>Stream: one entry per append (a batch of records), in the order every replica applies them.</summary>
    public RedisKey Log { get; } = $"{prefix}:gallery:log";

    /// <summary>Pub/sub channel the append script publishes each new entry id on, so followers wake at once.</summary>
    public RedisChannel Appended { get; } = RedisChannel.Literal($"{prefix}:gallery:appended");

    /// <summary>Set: the names of replicas that have published a <see cref="Replica"/> key (some may have expired since).</summary>
    public RedisKey Replicas { get; } = $"{prefix}:gallery:replicas";

    /// <summary>String with a time to live: the stream entry id after which the replica still needs the stream.</summary>
    public RedisKey Replica(string name) => $"{prefix}:gallery:replica:{name}";

    /// <summary>String: the id the stream was last trimmed to; it and the entries before it may be gone, every later one is kept.</summary>
    public RedisKey TrimmedTo { get; } = $"{prefix}:gallery:trimmed-to";

    /// <summary>Hash: the current snapshot (its list key, the stream id it stands at, its chunk and item counts, bytes).</summary>
    public RedisKey Snapshot { get; } = $"{prefix}:gallery:snapshot";

    /// <summary>List: one snapshot's chunks, each a batch value of add records.</summary>
    public RedisKey SnapshotChunks(StreamEntryId at) => $"{prefix}:gallery:snapshot:{at}";

    /// <summary>String with a time to live: held by the replica writing a snapshot, so only one writes at a time.</summary>
    public RedisKey SnapshotLock { get; } = $"{prefix}:gallery:snapshot-lock";

    /// <summary>
    /// Hash: stream entries that could not be read (damaged, or records that do not fit the bundle), by stream id, each
    /// entry's value as it was; kept aside while the stream goes on without them, and kept after it is trimmed.
    /// </summary>
    public RedisKey Quarantine { get; } = $"{prefix}:gallery:quarantine";

    /// <summary>Hash: why each entry of <see cref="Quarantine"/> was set aside, by stream id.</summary>
    public RedisKey QuarantineReasons { get; } = $"{prefix}:gallery:quarantine-reasons";

    /// <summary>The prefix of <see cref="Replica"/> keys, for the scripts.</summary>
    public string ReplicaPrefix { get; } = $"{prefix}:gallery:replica:";
}
