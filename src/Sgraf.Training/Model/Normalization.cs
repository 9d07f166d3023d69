using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>The official model.py normalisations (spec, preamble): the epsilon is added to the norm, not clamped.</summary>
/// <remarks>
/// Constants go through explicit, disposed Scalars, never implicit double → Scalar conversions: TorchSharp
/// leaves implicit Scalars to the finalizer, which can free one while the native op still reads it
/// (a training run died with "Unknown scalar type" in such a call).
/// </remarks>
internal static class Normalization
{
    const double Epsilon = 1e-8;

    /// <summary>X / (sqrt(Σ X²) + 1e-8) along <paramref name="dim"/>; a zero vector stays zero.</summary>
    /// <remarks>
    /// sqrt(Σ X²) as one fused norm kernel: no X² tensor as large as X is written, and its backward is one pass
    /// (square, sum and sqrt each wrote and, in training, kept such a tensor). Its backward also gives a zero vector
    /// a zero gradient where sqrt's would be 0/0.
    /// </remarks>
    public static Tensor L2Norm(Tensor x, long dim)
    {
        using var epsilon = Epsilon.ToScalar();
        return x.div(linalg.vector_norm(x, 2, [dim], keepdim: true).add(epsilon));
    }

    /// <summary>X / (Σ |X| + 1e-8) along <paramref name="dim"/>.</summary>
    public static Tensor L1Norm(Tensor x, long dim)
    {
        using var epsilon = Epsilon.ToScalar();
        return x.div(x.abs().sum(dim, keepdim: true).add(epsilon));
    }
}
