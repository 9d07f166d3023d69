using System.Text.Json.Nodes;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Cluster;

/// <summary>The gallery's catalog asked of the shards: an id's questions go to its shard, counts and lists to all of them.</summary>
public sealed class ShardedGalleryCatalog(ShardCalls shards, EmbeddingCodec codec) : IGalleryCatalog
{
    /// <summary>
    /// The items of the shards that answer: searches ask only to choose mode auto, and a shard that is recovering
    /// should not fail a search that may leave it out (allowPartial); then the count is short by its items.
    /// </summary>
    public async Task<int> CountAsync(GalleryItemKind kind, CancellationToken cancellationToken)
    {
        var (pages, _) = await shards.AskAsync(shards.Map.All, (shard, _) => shard.FirstAsync(kind, 0), true, "count the gallery", cancellationToken);
        return pages.Values.Sum(p => p.Total);
    }

    public async Task<IReadOnlySet<string>> ExistingAsync(GalleryItemKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var parts = shards.Map.Split(ids, id => id);
        var (found, _) = await shards.AskAsync(parts.Keys, (shard, n) => shard.ExistingAsync(kind, [.. parts[n]]), false, "look ids up", cancellationToken);
        return found.Values.SelectMany(f => f).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<CatalogItem?> GetAsync(GalleryItemKind kind, string id, CancellationToken cancellationToken) =>
        await ItemAsync(kind, id, withEmbeddings: false, cancellationToken) is { } item ? Describe(item) : null;

    /// <summary>
    /// Each shard's first offset + limit items, merged in id order: exact, at a cost that grows with the offset (a deep
    /// page asks every shard for everything before it).
    /// </summary>
    public async Task<(int Total, IReadOnlyList<CatalogItem> Items)> ListAsync(GalleryItemKind kind, int offset, int limit, CancellationToken cancellationToken)
    {
        var (pages, _) = await shards.AskAsync(shards.Map.All, (shard, _) => shard.FirstAsync(kind, offset + limit), false, "list the gallery", cancellationToken);
        var items = pages.Values.SelectMany(p => p.Items).OrderBy(i => i.Id, StringComparer.Ordinal).Skip(offset).Take(limit).Select(Describe).ToList();
        return (pages.Values.Sum(p => p.Total), items);
    }

    public async Task<(EncodedImage Image, CatalogItem Info)?> ReadImageAsync(string id, CancellationToken cancellationToken) =>
        await ItemAsync(GalleryItemKind.Image, id, withEmbeddings: true, cancellationToken) is { } item
            ? (codec.DecodeImage(item.Payload, id) with { ShortlistVector = item.ShortlistVector }, Describe(item))
            : null;

    public async Task<ReadOnlyMemory<byte>?> ReadPictureAsync(string id, CancellationToken cancellationToken)
    {
        int shard = shards.Map.ShardOf(id);
        var (pictures, _) = await shards.AskAsync([shard], (s, _) => s.PictureAsync(id), false, $"read the picture of '{id}'", cancellationToken);
        return pictures[shard] is { } picture ? picture : null;
    }

    public async Task<(EncodedCaption Caption, CatalogItem Info)?> ReadCaptionAsync(string id, CancellationToken cancellationToken) =>
        await ItemAsync(GalleryItemKind.Caption, id, withEmbeddings: true, cancellationToken) is { } item
            ? (codec.DecodeCaption(item.Payload, id) with { ShortlistVector = item.ShortlistVector }, Describe(item))
            : null;

    async Task<ShardItem?> ItemAsync(GalleryItemKind kind, string id, bool withEmbeddings, CancellationToken cancellationToken)
    {
        int shard = shards.Map.ShardOf(id);
        var (items, _) = await shards.AskAsync([shard], (s, _) => s.GetAsync(kind, id, withEmbeddings), false, $"read '{id}'", cancellationToken);
        return items[shard];
    }

    static CatalogItem Describe(ShardItem item) =>
        new(item.Id, item.Text, item.MetadataJson is { } json ? JsonNode.Parse(json)!.AsObject() : null);
}
