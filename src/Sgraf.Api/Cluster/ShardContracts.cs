namespace Sgraf.Api.Cluster;

// What crosses between silos. Plain records of strings, numbers and arrays, so Orleans generates their serializers and
// nothing of the in-process index (segments, JsonObject) has to be serializable.

/// <summary>
/// A shard's answer: its value, or why it has none: not ready (still recovering its data, or failed to), or refused
/// (the call breaks the rules every request is checked by; nothing was changed).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardReply<T>(T? Value, string? NotReady, string? Refused = null)
{
    public static ShardReply<T> Ready(T value) => new(value, null);

    public static ShardReply<T> Unavailable(string why) => new(default, why);

    public static ShardReply<T> Refuse(string why) => new(default, null, why);
}

/// <summary>One gallery change, as <see cref="Gallery.GalleryRecord"/> (Kind is its GalleryRecordKind).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardRecord(byte Kind, string Id, string Metadata, byte[] Payload);

/// <summary>What a write did on one shard.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardWrite(int Added, int Replaced);

/// <summary>A text query for one shard: the sentence, and the ids it may match there (null: every image of the shard).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardTextQuery(string Text, string[]? CandidateIds);

/// <summary>An image query for one shard: the image as the embedding codec writes it, and the ids it may match there.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardImageQuery(byte[] Image, string[]? CandidateIds);

/// <summary>One hit with the model's exact score; metadata as stored JSON text.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardHit(string Id, double Score, string? Text, string? MetadataJson);

/// <summary>A query's best hits on one shard, and how many of the shard's items they were chosen from.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardQueryResult(int Reranked, ShardHit[] Hits);

/// <summary>A first-stage (shortlist head) hit: the dot product of the item's and the query's vectors.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardHeadHit(string Id, float Score);

/// <summary>One stored item: its description, and (when asked) its embeddings as the codec writes them and its shortlist vector.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardItem(string Id, string? Text, string? MetadataJson, byte[]? Payload, float[]? ShortlistVector);

/// <summary>A page of a shard's items in id order, and how many it holds.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardPage(int Total, ShardItem[] Items);

/// <summary>A shard as it reports itself: where it runs, whether it serves, and what it holds.</summary>
/// <param name="Detail">What it is doing: "ready", "recovering from …", or why it failed.</param>
/// <param name="Quarantined">Entries of its stream set aside as unreadable (kept in Redis with their stream ids).</param>
[GenerateSerializer, Immutable]
public sealed record ShardStatus(int Shard, string Silo, bool Ready, string Detail, int Images, int Captions, long Quarantined);
