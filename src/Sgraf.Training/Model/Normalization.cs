using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>The official model.py normalisations (spec, preamble): the epsilon is added to the norm, not clamped.</summary>
internal static class Normalization
{
    const double Epsilon = 1e-8;

    /// <summary>X / (sqrt(Σ X²) + 1e-8) along <paramref name="dim"/>; a zero vector stays zero.</summary>
    public static Tensor L2Norm(Tensor x, long dim) => x.div(x.pow(2).sum(dim, keepdim: true).sqrt().add(Epsilon));

    /// <summary>X / (Σ |X| + 1e-8) along <paramref name="dim"/>.</summary>
    public static Tensor L1Norm(Tensor x, long dim) => x.div(x.abs().sum(dim, keepdim: true).add(Epsilon));
}
