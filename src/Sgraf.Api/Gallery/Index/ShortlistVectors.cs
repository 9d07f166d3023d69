using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// Gives encoded items their shortlist vectors with the bundle's head: gallery items when they are applied, queries when
/// they are encoded. Items reach the head a chunk at a time, so replaying a large log packs a bounded copy per call.
/// </summary>
public static class ShortlistVectors
{
    // About 10 MB of packed image embeddings (2 models × 37 × 128 floats an image); larger calls are no faster.
    const int ChunkSize = 256;

    public static IReadOnlyList<EncodedImage> Attach(ShortlistEncoder head, IReadOnlyList<EncodedImage> images) =>
        Attach(images, head.Dim, chunk => head.EncodeImages(ImageEmbeddings.Gather([.. chunk.Select(i => (AsEmbeddings(i), 0))])),
            (image, vector) => image with { ShortlistVector = vector });

    public static IReadOnlyList<EncodedCaption> Attach(ShortlistEncoder head, IReadOnlyList<EncodedCaption> captions) =>
        Attach(captions, head.Dim, chunk => head.EncodeCaptions(CaptionEmbeddings.Gather([.. chunk.Select(c => (AsEmbeddings(c), 0))])),
            (caption, vector) => caption with { ShortlistVector = vector });

    static List<T> Attach<T>(IReadOnlyList<T> items, int dim, Func<T[], float[]> encode, Func<T, float[], T> attach)
    {
        var result = new List<T>(items.Count);
        foreach (var chunk in items.Chunk(ChunkSize))
        {
            var vectors = encode(chunk);
            for (int i = 0; i < chunk.Length; i++) result.Add(attach(chunk[i], vectors.AsSpan(i * dim, dim).ToArray()));
        }
        return result;
    }

    // One item as a runtime set of one, sharing its arrays; Gather packs the chunk.
    static ImageEmbeddings AsEmbeddings(EncodedImage image) =>
        new(1, image.Encodings.ToDictionary(e => e.Key, e => new ImageEncoding(e.Value.Regions, e.Value.Global, e.Value.Global.Length)));

    static CaptionEmbeddings AsEmbeddings(EncodedCaption caption) =>
        new([caption.Length], caption.Encodings.ToDictionary(e => e.Key, e => new CaptionEncoding([e.Value.Words], e.Value.Global, e.Value.Global.Length)));
}
