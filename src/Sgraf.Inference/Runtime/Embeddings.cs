using Sgraf.Inference.Model;

namespace Sgraf.Inference.Runtime;

/// <summary>One model's encoding of a set of images: region embeddings (N, 36, D) and global vectors v_glo (N, D), row-major.</summary>
public sealed record ImageEncoding(float[] Regions, float[] Globals, int EmbedSize);

/// <summary>
/// Encoded images, one <see cref="ImageEncoding"/> per model of the bundle. Produced by <see cref="SgrafRuntime.EncodeImages"/>;
/// immutable by convention (the arrays are shared, not copied).
/// </summary>
public sealed class ImageEmbeddings(int count, IReadOnlyDictionary<SimilarityModule, ImageEncoding> encodings)
{
    public int Count { get; } = count;
    public IReadOnlyDictionary<SimilarityModule, ImageEncoding> Encodings { get; } = encodings;
}

/// <summary>One model's encoding of a set of captions: each caption's word embeddings (length × D) and global vectors t_glo (C, D).</summary>
public sealed record CaptionEncoding(float[][] Words, float[] Globals, int EmbedSize);

/// <summary>Encoded captions with their token counts (&lt;start&gt; and &lt;end&gt; included), one <see cref="CaptionEncoding"/> per model.</summary>
public sealed class CaptionEmbeddings(int[] lengths, IReadOnlyDictionary<SimilarityModule, CaptionEncoding> encodings)
{
    public int Count => Lengths.Count;
    public IReadOnlyList<int> Lengths { get; } = lengths;
    public IReadOnlyDictionary<SimilarityModule, CaptionEncoding> Encodings { get; } = encodings;
}
