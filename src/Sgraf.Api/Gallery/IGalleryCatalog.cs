using System.Text.Json.Nodes;
using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Gallery;

/// <summary>Images or captions: the two kinds of gallery item.</summary>
public enum GalleryItemKind
{
    Image,
    Caption,
}

/// <summary>What a gallery item says about itself: its id, its text (captions), its metadata.</summary>
public sealed record CatalogItem(string Id, string? Text, JsonObject? Metadata);

/// <summary>
/// What the gallery holds, for validation, reads and explanations: from this process's index
/// (<see cref="LocalGalleryCatalog"/>) or asked of the shards that own the ids (Cluster/ShardedGalleryCatalog).
/// </summary>
public interface IGalleryCatalog
{
    Task<int> CountAsync(GalleryItemKind kind, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> are in the gallery.</summary>
    Task<IReadOnlySet<string>> ExistingAsync(GalleryItemKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    Task<CatalogItem?> GetAsync(GalleryItemKind kind, string id, CancellationToken cancellationToken);

    /// <summary>Items <paramref name="offset"/> to offset + limit in id order (ordinal), and how many there are.</summary>
    Task<(int Total, IReadOnlyList<CatalogItem> Items)> ListAsync(GalleryItemKind kind, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>A gallery image's embeddings (with its shortlist vector when the bundle has a head) and description.</summary>
    Task<(EncodedImage Image, CatalogItem Info)?> ReadImageAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// A gallery image's picture (the JPEG copy kept of an image added as a picture): null when there is no such
    /// image, empty when it was added as region features.
    /// </summary>
    Task<ReadOnlyMemory<byte>?> ReadPictureAsync(string id, CancellationToken cancellationToken);

    /// <summary>A gallery caption's embeddings and description.</summary>
    Task<(EncodedCaption Caption, CatalogItem Info)?> ReadCaptionAsync(string id, CancellationToken cancellationToken);
}
