namespace Sgraf.Api.Gallery;

/// <summary>A live image or caption as the log last left it.</summary>
public sealed record GalleryEntry(string Id, string Metadata, ReadOnlyMemory<byte> Payload);
