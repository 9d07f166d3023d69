using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Gallery;

/// <summary>The catalog of this process's own index: every answer is read from one snapshot, at once.</summary>
public sealed class LocalGalleryCatalog(GalleryIndex index) : IGalleryCatalog
{
    public Task<int> CountAsync(GalleryItemKind kind, CancellationToken cancellationToken) =>
        Task.FromResult(kind == GalleryItemKind.Image ? index.Current.Images.Count : index.Current.Captions.Count);

    public Task<IReadOnlySet<string>> ExistingAsync(GalleryItemKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var snapshot = index.Current;
        Func<string, bool> exists = kind == GalleryItemKind.Image ? snapshot.Images.ContainsKey : snapshot.Captions.ContainsKey;
        return Task.FromResult<IReadOnlySet<string>>(ids.Where(exists).ToHashSet(StringComparer.Ordinal));
    }

    public Task<CatalogItem?> GetAsync(GalleryItemKind kind, string id, CancellationToken cancellationToken)
    {
        var snapshot = index.Current;
        return Task.FromResult(kind == GalleryItemKind.Image
            ? snapshot.Images.TryGetValue(id, out var image) ? Describe(image.Segment, image.Slot) : null
            : snapshot.Captions.TryGetValue(id, out var caption) ? Describe(caption.Segment, caption.Slot) : null);
    }

    public Task<(int Total, IReadOnlyList<CatalogItem> Items)> ListAsync(GalleryItemKind kind, int offset, int limit, CancellationToken cancellationToken)
    {
        var snapshot = index.Current;
        return Task.FromResult(kind == GalleryItemKind.Image
            ? (snapshot.Images.Count, (IReadOnlyList<CatalogItem>)[.. snapshot.Images.Values.Skip(offset).Take(limit).Select(l => Describe(l.Segment, l.Slot))])
            : (snapshot.Captions.Count, [.. snapshot.Captions.Values.Skip(offset).Take(limit).Select(l => Describe(l.Segment, l.Slot))]));
    }

    public Task<(EncodedImage Image, CatalogItem Info)?> ReadImageAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(index.Current.Images.TryGetValue(id, out var at)
            ? (at.Segment.Read(at.Slot), Describe(at.Segment, at.Slot))
            : ((EncodedImage, CatalogItem)?)null);

    public Task<ReadOnlyMemory<byte>?> ReadPictureAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(index.Current.Images.TryGetValue(id, out var at) ? at.Segment.Picture(at.Slot) : (ReadOnlyMemory<byte>?)null);

    public Task<(EncodedCaption Caption, CatalogItem Info)?> ReadCaptionAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(index.Current.Captions.TryGetValue(id, out var at)
            ? (at.Segment.Read(at.Slot), Describe(at.Segment, at.Slot))
            : ((EncodedCaption, CatalogItem)?)null);

    /// <summary>One slot's description.</summary>
    public static CatalogItem Describe(GallerySegment segment, int slot) => new(segment.Id(slot), segment.Text(slot), segment.Metadata(slot));
}
