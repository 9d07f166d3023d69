using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>Spec §5: SCAN text-to-visual attention, one attended visual context per word.</summary>
internal static class TextToVisualAttention
{
    /// <summary>SCAN's inverse temperature λ.</summary>
    const double Smooth = 9.0;

    /// <summary>SCAN's LeakyReLU slope on the word-region affinities.</summary>
    const double NegativeSlope = 0.1;

    /// <summary>
    /// Attends every word of G captions over the regions of each of N images. Both products are single
    /// GEMMs over all pairs; neither side is copied per pair (a broadcast matmul would expand the regions
    /// G times, which made training several times slower).
    /// </summary>
    /// <param name="words">(G, L, D) word embeddings; every caption has L valid words.</param>
    /// <param name="regions">(N, 36, D) region embeddings.</param>
    /// <param name="attentionTrace">Receives the attention weights (N, G, L, 36): each word's softmax over the regions.</param>
    /// <returns>(G, N, L, D) l2-normalised attended context c_t for each word of each pair.</returns>
    public static Tensor Attend(Tensor words, Tensor regions, Action<Tensor>? attentionTrace = null)
    {
        long captions = words.shape[0], length = words.shape[1], images = regions.shape[0], regionCount = regions.shape[1];
        long dim = regions.shape[2];
        var affinity = regions.reshape(images * regionCount, dim).matmul(words.reshape(captions * length, dim).t())
            .view(images, regionCount, captions, length);                               // (N, 36, G, L)
        var attention = RegionWeights(affinity);                                         // (N, G, L, 36)
        attentionTrace?.Invoke(attention);
        var context = attention.reshape(images, captions * length, regionCount).bmm(regions)
            .view(images, captions, length, dim).permute(1, 0, 2, 3);                    // (G, N, L, D)
        return Normalization.L2Norm(context, -1);
    }

    /// <summary>Attends the words of caption p over the regions of image p only, for P chosen pairs.</summary>
    /// <param name="words">(P, L, D).</param>
    /// <param name="regions">(P, 36, D).</param>
    /// <returns>(P, L, D) l2-normalised attended context.</returns>
    public static Tensor AttendPairs(Tensor words, Tensor regions)
    {
        var attention = RegionWeights(regions.bmm(words.transpose(1, 2)));              // (P, 36, L) → (P, L, 36)
        return Normalization.L2Norm(attention.bmm(regions), -1);
    }

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
}
