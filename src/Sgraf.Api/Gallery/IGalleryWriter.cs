using System.Text.Json.Nodes;

namespace Sgraf.Api.Gallery;

/// <summary>An image to add: its region features (36 × img_dim), metadata, and the copy of its picture when added as one.</summary>
/// <param name="Picture">The JPEG copy stored with the image (<see cref="Index.EncodedImage.Picture"/>); null for an image added as region features.</param>
public sealed record ImageToAdd(string Id, float[] Features, JsonObject? Metadata, byte[]? Picture = null);

/// <summary>
/// Changes the gallery, durably when a call returns: on this machine (<see cref="GalleryWriter"/>) or on the shards
/// that own the ids (Cluster/ShardedGalleryWriter).
/// </summary>
public interface IGalleryWriter
{
    Task<AddOutcome> AddImagesAsync(IReadOnlyList<ImageToAdd> images, CancellationToken cancellationToken);

    Task<AddOutcome> AddCaptionsAsync(IReadOnlyList<(string Id, string Text, JsonObject? Metadata)> captions, CancellationToken cancellationToken);

    /// <summary>False when the image is not in the gallery (nothing is written).</summary>
    Task<bool> DeleteImageAsync(string id, CancellationToken cancellationToken);

    /// <summary>False when the caption is not in the gallery (nothing is written).</summary>
    Task<bool> DeleteCaptionAsync(string id, CancellationToken cancellationToken);
}
