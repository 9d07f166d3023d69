using System.Text.Json.Nodes;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Writes to the shards that own the ids: items are encoded here once, split by shard, and sent side by side; an add
/// is answered only when every shard it touched has made its part durable in Redis.
/// </summary>
/// <remarks>
/// If a shard cannot take its part (its silo died, it is recovering) the add answers 503 and names it; the parts
/// other shards took stay stored. Adds replace by id, so sending the same add again is safe and completes it.
/// </remarks>
public sealed class ShardedGalleryWriter(ShardCalls shards, SgrafRuntime runtime, EmbeddingCodec codec) : IGalleryWriter
{
    public Task<AddOutcome> AddImagesAsync(IReadOnlyList<ImageToAdd> images, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return AppendAsync(NewItemRecords.Images(runtime, codec, images), "images");
    }

    public Task<AddOutcome> AddCaptionsAsync(IReadOnlyList<(string Id, string Text, JsonObject? Metadata)> captions, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return AppendAsync(NewItemRecords.Captions(runtime, codec, captions), "captions");
    }

    public Task<bool> DeleteImageAsync(string id, CancellationToken cancellationToken) => DeleteAsync(GalleryItemKind.Image, id);

    public Task<bool> DeleteCaptionAsync(string id, CancellationToken cancellationToken) => DeleteAsync(GalleryItemKind.Caption, id);

    async Task<AddOutcome> AppendAsync(GalleryRecord[] records, string kind)
    {
        var parts = shards.Map.Split(records, r => r.Id);
        // Once sent, a part is stored whatever the caller does next: the write is not cancelled midway.
        var (written, _) = await shards.AskAsync(parts.Keys,
            (shard, n) => shard.AppendAsync([.. parts[n].Select(r => new ShardRecord((byte)r.Kind, r.Id, r.Metadata, r.Payload.ToArray()))]),
            allowPartial: false, $"store {records.Length} {kind} (parts held by the shards that answered are stored; sending the same add again completes it)",
            CancellationToken.None);
        return new AddOutcome(written.Values.Sum(w => w.Added), written.Values.Sum(w => w.Replaced), [.. records.Select(r => r.Id)]);
    }

    async Task<bool> DeleteAsync(GalleryItemKind kind, string id)
    {
        int shard = shards.Map.ShardOf(id);
        var (deleted, _) = await shards.AskAsync([shard], (s, _) => s.DeleteAsync(kind, id), allowPartial: false, $"delete {kind.ToString().ToLowerInvariant()} '{id}'", CancellationToken.None);
        return deleted[shard];
    }
}
