using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>Spec §5: SCAN text-to-visual attention, one attended visual context per word.</summary>
internal static class TextToVisualAttention
{
    /// <summary>SCAN's inverse temperature λ.</summary>
    const double Smooth = 9.0;

    /// <param name="words">(…, L, D) word embeddings.</param>
    /// <param name="regions">(…, 36, D) region embeddings; leading dimensions broadcast against the words'
    /// (captions × 1 against 1 × images scores every pair without copying either side).</param>
    /// <returns>(…, L, D) l2-normalised attended context c_t for each word.</returns>
    public static Tensor Attend(Tensor words, Tensor regions)
    {
        var affinity = regions.matmul(words.transpose(-1, -2));                      // (…, 36, L)
        affinity = nn.functional.leaky_relu(affinity, 0.1);
        // SCAN's quirk: each region's affinities are normalised over the words, not over regions.
        affinity = Normalization.L2Norm(affinity, -1);
        var attention = affinity.transpose(-1, -2).mul(Smooth).softmax(-1);          // (…, L, 36)
        return Normalization.L2Norm(attention.matmul(regions), -1);
    }
}
