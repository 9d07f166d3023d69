using Sgraf.Inference.Model;

namespace Sgraf.Api.Gallery.Index;

/// <summary>One image as the bundle's encoders left it: per model, 36 region embeddings and the global vector.</summary>
public sealed record EncodedImage(IReadOnlyDictionary<SimilarityModule, (float[] Regions, float[] Global)> Encodings)
{
    /// <summary>
    /// The shortlist head's vector of the image, or null when the bundle has no head. Never stored in the log: the
    /// head can change while the encoders (and so the stored gallery) stay, so it is computed again when applied.
    /// </summary>
    public float[]? ShortlistVector { get; init; }

    /// <summary>
    /// The JPEG copy of the picture the image was added as (longest side at most Sgraf:Pictures:StoredSide), stored
    /// with it and served at GET /images/{id}/picture; empty for an image added as region features.
    /// </summary>
    public ReadOnlyMemory<byte> Picture { get; init; }
}

/// <summary>One caption as the bundle's text encoder left it: per model, word embeddings and the global vector.</summary>
/// <param name="Length">Tokens, &lt;start&gt; and &lt;end&gt; included.</param>
public sealed record EncodedCaption(int Length, IReadOnlyDictionary<SimilarityModule, (float[] Words, float[] Global)> Encodings)
{
    /// <summary>The shortlist head's vector of the caption, or null when the bundle has no head (not stored, as for images).</summary>
    public float[]? ShortlistVector { get; init; }

    /// <summary>Floats held, for cache budgets.</summary>
    public long FloatCount => Encodings.Values.Sum(e => (long)e.Words.Length + e.Global.Length) + (ShortlistVector?.Length ?? 0);
}
