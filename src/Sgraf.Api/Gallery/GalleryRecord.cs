namespace Sgraf.Api.Gallery;

/// <summary>One logged change to the gallery.</summary>
/// <param name="Kind">What the record does.</param>
/// <param name="Id">The image or caption id (for the header: the bundle hash).</param>
/// <param name="Metadata">Caller's JSON for adds (title, URL, text…); empty for deletes.</param>
/// <param name="Payload">Opaque encoded embeddings for adds; empty for deletes. The store never interprets it.</param>
public sealed record GalleryRecord(GalleryRecordKind Kind, string Id, string Metadata, ReadOnlyMemory<byte> Payload)
{
    public static GalleryRecord AddImage(string id, ReadOnlyMemory<byte> payload, string metadata = "") =>
        new(GalleryRecordKind.AddImage, id, metadata, payload);

    public static GalleryRecord DeleteImage(string id) => new(GalleryRecordKind.DeleteImage, id, "", ReadOnlyMemory<byte>.Empty);

    public static GalleryRecord AddCaption(string id, ReadOnlyMemory<byte> payload, string metadata = "") =>
        new(GalleryRecordKind.AddCaption, id, metadata, payload);

    public static GalleryRecord DeleteCaption(string id) => new(GalleryRecordKind.DeleteCaption, id, "", ReadOnlyMemory<byte>.Empty);

    internal static GalleryRecord Header(string bundleHash) => new(GalleryRecordKind.Header, bundleHash, "", ReadOnlyMemory<byte>.Empty);
}
