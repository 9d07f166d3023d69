using Sgraf.Inference.Model;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// Why one model gave one image–caption pair its score: the weights its similarity graph computed the score with
/// (spec §5–§7), read from the same run that produced <see cref="Score"/>. Word k (0-based) is the caption's k-th token,
/// &lt;start&gt; and &lt;end&gt; included; node 0 is the global alignment and node k + 1 word k's.
/// </summary>
/// <param name="Module">SGR or SAF.</param>
/// <param name="Score">The model's score of the pair, as scoring computes it.</param>
/// <param name="Length">Words L, &lt;start&gt; and &lt;end&gt; included.</param>
/// <param name="Attention">L × 36, row-major: word k's SCAN attention over the regions, a softmax row (sums to 1).</param>
/// <param name="Edges">SGR: the last reasoning step's edge weights from the global node to the L + 1 nodes (a softmax row); null for SAF.</param>
/// <param name="Filtration">SAF: the filtration weights of the L + 1 nodes (l1-normalised, sum to 1 up to its 1e-8); null for SGR.</param>
public sealed record PairExplanation(SimilarityModule Module, double Score, int Length, float[] Attention, float[]? Edges, float[]? Filtration)
{
    /// <summary>Word <paramref name="word"/>'s attention weights over the 36 regions, by region index.</summary>
    public ReadOnlySpan<float> AttentionOf(int word) => Attention.AsSpan(word * SgrafConfig.Regions, SgrafConfig.Regions);
}
