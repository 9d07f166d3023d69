using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>Spec §5: SCAN text-to-visual attention, one attended visual context per word.</summary>
/// <remarks>
/// The context's l2norm is taken from the attention weights, never from the D-wide context itself:
/// ‖Σ_r p_r v_r‖² = pᵀ G p with G = V Vᵀ the 36 × 36 Gram matrix of the image's regions (<see cref="RegionGram"/>),
/// so l2norm(Σ_r p_r v_r) = Σ_r (p_r / (√(pᵀ G p) + 1e-8)) v_r exactly, and the region product writes the normalised
/// context directly. The plain l2norm read and wrote the (pairs × L × D) context three more times, and kept it for
/// the backward: a third of the time of a caption's column in training (measured once while building it, not recorded).
/// </remarks>
internal static class TextToVisualAttention
{
    /// <summary>SCAN's inverse temperature λ.</summary>
    const double Smooth = 9.0;

    /// <summary>SCAN's LeakyReLU slope on the word-region affinities.</summary>
    const double NegativeSlope = 0.1;

    /// <summary>l2norm's epsilon (spec, preamble), added to the norm.</summary>
    const double Epsilon = 1e-8;

    /// <summary>(N, 36, 36): each image's region embeddings against each other, computed once per batch of images.</summary>
    public static Tensor RegionGram(Tensor regions) => regions.bmm(regions.transpose(1, 2));

    /// <summary>
    /// Attends every word of G captions over the regions of each of N images. Both products are single
    /// GEMMs over all pairs; neither side is copied per pair (a broadcast matmul would expand the regions
    /// G times, which made training several times slower).
    /// </summary>
    /// <param name="words">(G, L, D) word embeddings; every caption has L valid words.</param>
    /// <param name="regions">(N, 36, D) region embeddings.</param>
    /// <param name="gram">(N, 36, 36) from <see cref="RegionGram"/>.</param>
    /// <param name="attentionTrace">Receives the attention weights (N, G, L, 36): each word's softmax over the regions.</param>
    /// <returns>(N, G, L, D) l2-normalised attended context c_t for each word of each pair, image-major: every
    /// tensor of the pairs keeps this layout, so none is permuted and copied.</returns>
    public static Tensor Attend(ProductPrecision products, Tensor words, Tensor regions, Tensor gram, Action<Tensor>? attentionTrace = null)
    {
        long captions = words.shape[0], length = words.shape[1], images = regions.shape[0], regionCount = regions.shape[1];
        long dim = regions.shape[2];
        var affinity = products.Matmul(regions.reshape(images * regionCount, dim), words.reshape(captions * length, dim).t())
            .view(images, regionCount, captions, length);                               // (N, 36, G, L)
        var attention = RegionWeights(affinity);                                         // (N, G, L, 36)
        attentionTrace?.Invoke(attention);
        return NormalisedContext(products, attention.reshape(images, captions * length, regionCount), regions, gram)
            .view(images, captions, length, dim);                                        // (N, G, L, D)
    }

    /// <summary>Attends the words of caption p over the regions of image p only, for P chosen pairs.</summary>
    /// <param name="words">(P, L, D).</param>
    /// <param name="regions">(P, 36, D).</param>
    /// <param name="gram">(P, 36, 36).</param>
    /// <returns>(P, L, D) l2-normalised attended context.</returns>
    public static Tensor AttendPairs(ProductPrecision products, Tensor words, Tensor regions, Tensor gram) =>
        NormalisedContext(products, RegionWeights(products.Bmm(regions, words.transpose(1, 2))), regions, gram);   // (P, 36, L) → (P, L, 36)

    /// <summary>Word–region affinities (regions on axis 1, words last) → each word's softmax over the regions (regions last).</summary>
    static Tensor RegionWeights(Tensor affinity)
    {
        // Explicit Scalars (see Normalization): leaky ReLU as max(x, 0.1·x), which is the same for slope < 1.
        using var slope = NegativeSlope.ToScalar();
        using var smooth = Smooth.ToScalar();
        affinity = affinity.maximum(affinity.mul(slope));
        // SCAN's quirk: each region's affinities are normalised over the words, not over regions.
        affinity = Normalization.L2Norm(affinity, -1);
        return affinity.movedim([1], [affinity.ndim - 1]).mul(smooth).softmax(-1);
    }

    /// <summary>l2norm(weights · regions) through the Gram matrix (see the remarks).</summary>
    /// <param name="weights">(B, K, 36).</param>
    /// <param name="regions">(B, 36, D).</param>
    /// <param name="gram">(B, 36, 36).</param>
    /// <returns>(B, K, D).</returns>
    static Tensor NormalisedContext(ProductPrecision products, Tensor weights, Tensor regions, Tensor gram)
    {
        using var epsilon = Epsilon.ToScalar();
        using var zero = 0.0.ToScalar();
        // pᵀGp is ‖Σ p v‖² ≥ 0; rounding may take a vanishing norm just below zero.
        var squaredNorm = weights.bmm(gram).mul(weights).sum(-1, keepdim: true).clamp_min(zero);
        return products.Bmm(weights.div(squaredNorm.sqrt().add(epsilon)), regions);
    }
}
