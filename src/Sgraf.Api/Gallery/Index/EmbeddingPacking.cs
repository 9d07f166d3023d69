using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>Builds runtime inputs from individual encodings (queries, or candidate subsets of the gallery).</summary>
public static class EmbeddingPacking
{
    public static CaptionEmbeddings Captions(IReadOnlyList<EncodedCaption> captions, EmbeddingCodec codec) =>
        new([.. captions.Select(c => c.Length)], codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m);
            var globals = new float[(long)captions.Count * d];
            for (int j = 0; j < captions.Count; j++) captions[j].Encodings[m].Global.CopyTo(globals.AsSpan(j * d));
            return new CaptionEncoding([.. captions.Select(c => c.Encodings[m].Words)], globals, d);
        }));

    public static ImageEmbeddings Images(IReadOnlyList<EncodedImage> images, EmbeddingCodec codec) =>
        new(images.Count, codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m), regions = SgrafConfig.Regions * d;
            var (packedRegions, packedGlobals) = (new float[(long)images.Count * regions], new float[(long)images.Count * d]);
            for (int i = 0; i < images.Count; i++)
            {
                images[i].Encodings[m].Regions.CopyTo(packedRegions.AsSpan(i * regions));
                images[i].Encodings[m].Global.CopyTo(packedGlobals.AsSpan(i * d));
            }
            return new ImageEncoding(packedRegions, packedGlobals, d);
        }));

    /// <summary>Splits a runtime image encoding into one <see cref="EncodedImage"/> per image.</summary>
    public static IReadOnlyList<EncodedImage> Split(ImageEmbeddings images) =>
        [.. Enumerable.Range(0, images.Count).Select(i => new EncodedImage(images.Encodings.ToDictionary(e => e.Key, e =>
        {
            int d = e.Value.EmbedSize, regions = SgrafConfig.Regions * d;
            return (e.Value.Regions.Span.Slice(i * regions, regions).ToArray(), e.Value.Globals.Span.Slice(i * d, d).ToArray());
        })))];

    /// <summary>One <see cref="EncodedCaption"/> per caption of a runtime encoding (word arrays shared, globals copied).</summary>
    public static IReadOnlyList<EncodedCaption> Split(CaptionEmbeddings embeddings) =>
        [.. Enumerable.Range(0, embeddings.Count).Select(j => new EncodedCaption(embeddings.Lengths[j],
            embeddings.Encodings.ToDictionary(e => e.Key, e =>
                (e.Value.Words[j], e.Value.Globals.AsSpan(j * e.Value.EmbedSize, e.Value.EmbedSize).ToArray()))))];
}
