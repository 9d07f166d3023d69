using Sgraf.Api.Gallery;

namespace Sgraf.Api.Cluster;

/// <summary>
/// One shard of the gallery (key: its number): owns the items whose ids hash to it, keeps their log in Redis and their
/// segments on its silo's disk, and searches them with the exact model. Reads answer "not ready" while it recovers.
/// </summary>
public interface IGalleryShard : IGrainWithIntegerKey
{
    Task<ShardStatus> StatusAsync();

    /// <summary>Stores the records durably (in Redis, fsync'ed) and applies them; returns only then.</summary>
    Task<ShardReply<ShardWrite>> AppendAsync(ShardRecord[] records);

    /// <summary>Deletes an item if it is there (false when it is not: nothing is written).</summary>
    Task<ShardReply<bool>> DeleteAsync(GalleryItemKind kind, string id);

    /// <summary>Which of the ids the shard holds among its items of <paramref name="kind"/>.</summary>
    Task<ShardReply<string[]>> ExistingAsync(GalleryItemKind kind, string[] ids);

    Task<ShardReply<ShardItem?>> GetAsync(GalleryItemKind kind, string id, bool withEmbeddings);

    /// <summary>An image's picture: null when the shard has no such image, empty when it was added as region features.</summary>
    Task<ShardReply<byte[]?>> PictureAsync(string id);

    /// <summary>The first <paramref name="count"/> items in id order.</summary>
    Task<ShardReply<ShardPage>> FirstAsync(GalleryItemKind kind, int count);

    /// <summary>Exact search, each query against the shard's images (or its candidates there): the best k by the model's score.</summary>
    Task<ShardReply<ShardQueryResult[]>> TextToImageAsync(ShardTextQuery[] queries, int k, string model);

    Task<ShardReply<ShardQueryResult[]>> ImageToTextAsync(ShardImageQuery[] queries, int k, string model);

    /// <summary>
    /// The shortlist head's first stage over the shard's items of <paramref name="kind"/> (or the candidates there): per
    /// query vector, the best <paramref name="shortlist"/> by dot product, ties by id.
    /// </summary>
    Task<ShardReply<ShardHeadHit[][]>> FirstStageAsync(GalleryItemKind kind, float[][] queryVectors, int shortlist, string[]? candidateIds);
}
