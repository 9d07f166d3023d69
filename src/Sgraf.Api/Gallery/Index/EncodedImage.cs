using Sgraf.Inference.Model;

namespace Sgraf.Api.Gallery.Index;

/// <summary>One image as the bundle's encoders left it: per model, 36 region embeddings and the global vector.</summary>
public sealed record EncodedImage(IReadOnlyDictionary<SimilarityModule, (float[] Regions, float[] Global)> Encodings);

/// <summary>One caption as the bundle's text encoder left it: per model, word embeddings and the global vector.</summary>
/// <param name="Length">Tokens, &lt;start&gt; and &lt;end&gt; included.</param>
public sealed record EncodedCaption(int Length, IReadOnlyDictionary<SimilarityModule, (float[] Words, float[] Global)> Encodings)
{
    /// <summary>Floats held, for cache budgets.</summary>
    public long FloatCount => Encodings.Values.Sum(e => (long)e.Words.Length + e.Global.Length);
}
