using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// Captions stored as the runtime scores them: per model, each caption's word embeddings and a (capacity × D) global
/// array; and, with a shortlist head, the captions' shortlist vectors.
/// </summary>
public sealed class CaptionSegment : GallerySegment
{
    public const int DefaultCapacity = 4096;

    readonly int[] lengths;
    readonly Dictionary<SimilarityModule, CaptionEncoding> encodings;

    public CaptionSegment(EmbeddingCodec codec, int shortlistDim, int capacity = DefaultCapacity) : base(capacity, shortlistDim)
    {
        lengths = new int[capacity];
        encodings = codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m);
            return new CaptionEncoding(new float[capacity][], new float[(long)capacity * d], d);
        });
    }

    /// <summary>The first <paramref name="count"/> slots as runtime input (dead slots included; the caller skips them).</summary>
    public CaptionEmbeddings Embeddings(int count) => new(lengths[..count], encodings);

    /// <summary>One caption's encodings: word embeddings shared (never written again), global vectors copied.</summary>
    public EncodedCaption Read(int slot) => new(lengths[slot], encodings.ToDictionary(e => e.Key, e =>
        (e.Value.Words[slot], e.Value.Globals.AsSpan(slot * e.Value.EmbedSize, e.Value.EmbedSize).ToArray())))
    {
        ShortlistVector = CopyShortlistVector(slot),
    };

    public int Add(string id, ItemDescription description, EncodedCaption caption)
    {
        foreach (var (module, encoding) in encodings)
        {
            var (words, global) = caption.Encodings[module];
            encoding.Words[Count] = words;
            global.CopyTo(encoding.Globals.AsSpan(Count * encoding.EmbedSize));
        }
        lengths[Count] = caption.Length;
        return Append(id, description, caption.ShortlistVector);
    }
}
