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
}
