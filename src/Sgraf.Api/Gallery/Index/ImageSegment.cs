using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// Images stored as the runtime scores them: per model, one (capacity × 36 × D) region array and one (capacity × D)
/// global array, so a view scores in place with no copy; and, with a shortlist head, the images' shortlist vectors.
/// </summary>
public sealed class ImageSegment : GallerySegment
{
    public const int DefaultCapacity = 1024;

    readonly Dictionary<SimilarityModule, ImageEncoding> encodings;

    public ImageSegment(EmbeddingCodec codec, int shortlistDim, int capacity = DefaultCapacity) : base(capacity, shortlistDim) =>
        encodings = codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m);
            return new ImageEncoding(new float[(long)capacity * SgrafConfig.Regions * d], new float[(long)capacity * d], d);
        });

    /// <summary>The first <paramref name="count"/> slots as runtime input (dead slots included; the caller skips them).</summary>
    public ImageEmbeddings Embeddings(int count) => new(count, encodings);

    public int Add(string id, ItemDescription description, EncodedImage image)
    {
        foreach (var (module, encoding) in encodings)
        {
            var (regions, global) = image.Encodings[module];
            int d = encoding.EmbedSize;
            regions.CopyTo(encoding.Regions.AsSpan(Count * SgrafConfig.Regions * d));
            global.CopyTo(encoding.Globals.AsSpan(Count * d));
        }
        return Append(id, description, image.ShortlistVector);
    }

    /// <summary>Copies one image's encodings out, e.g. to query with it.</summary>
    public EncodedImage Read(int slot) => new(encodings.ToDictionary(e => e.Key, e =>
    {
        int d = e.Value.EmbedSize, regions = SgrafConfig.Regions * d;
        return (e.Value.Regions.AsSpan(slot * regions, regions).ToArray(), e.Value.Globals.AsSpan(slot * d, d).ToArray());
    }))
    {
        ShortlistVector = CopyShortlistVector(slot),
    };
}
