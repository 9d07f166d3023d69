using System.Text.Json.Nodes;
using Sgraf.Api.Gallery.Index;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery;

/// <summary>New items encoded once with the bundle into the records a store keeps (raw features are not kept).</summary>
public static class NewItemRecords
{
    public static GalleryRecord[] Images(SgrafRuntime runtime, EmbeddingCodec codec, IReadOnlyList<ImageToAdd> images)
    {
        var features = new float[images.Sum(i => (long)i.Features.Length)];
        for (int i = 0; i < images.Count; i++) images[i].Features.CopyTo(features, (long)i * images[i].Features.Length);
        var encoded = EmbeddingPacking.Split(runtime.EncodeImages(features, images.Count));
        return [.. images.Select((image, i) => GalleryRecord.AddImage(image.Id, codec.EncodeImage(encoded[i] with { Picture = image.Picture }),
            new ItemDescription(null, image.Metadata).ToJson()))];
    }

    public static GalleryRecord[] Captions(SgrafRuntime runtime, EmbeddingCodec codec, IReadOnlyList<(string Id, string Text, JsonObject? Metadata)> captions)
    {
        var encoded = EmbeddingPacking.Split(runtime.EncodeCaptions([.. captions.Select(c => c.Text)]));
        return [.. captions.Select((caption, i) => GalleryRecord.AddCaption(caption.Id, codec.EncodeCaption(encoded[i]), new ItemDescription(caption.Text, caption.Metadata).ToJson()))];
    }
}
