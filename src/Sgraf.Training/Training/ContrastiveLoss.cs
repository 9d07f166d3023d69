using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// Spec §10 ContrastiveLoss (VSE++): the hinge ranking loss of a batch's square score matrix, rows images,
/// columns captions, positives on the diagonal. Two captions of the same image in one batch are negatives
/// of each other, as in the official code.
/// </summary>
public static class ContrastiveLoss
{
    /// <param name="scores">(B, B) scores, S[i, j] = image i against caption j.</param>
    /// <param name="maxViolation">Only the hardest negative of each query counts (the official default).</param>
    /// <returns>A scalar: a sum over the batch, not a mean.</returns>
    public static Tensor Compute(Tensor scores, double margin, bool maxViolation)
    {
        if (scores.ndim != 2 || scores.shape[0] != scores.shape[1])
            throw new ArgumentException($"the loss needs a square score matrix, got [{string.Join(", ", scores.shape)}]", nameof(scores));
        var positives = scores.diag().view(-1, 1);
        // c_s[i, j]: caption j outranks image i's own caption; c_im[i, j]: image i outranks caption j's own image.
        // Explicit Scalars: TorchSharp's implicit ones can be finalized during the native call (see Normalization).
        using var marginScalar = margin.ToScalar();
        using var zero = 0.0.ToScalar();
        var captionCost = scores.sub(positives).add(marginScalar).clamp_min(zero);
        var imageCost = scores.sub(positives.t()).add(marginScalar).clamp_min(zero);
        // The official mask only exists when CUDA is available; here it is built on every device.
        using var diagonal = eye(scores.shape[0], dtype: ScalarType.Bool, device: scores.device);
        captionCost = captionCost.masked_fill(diagonal, 0);
        imageCost = imageCost.masked_fill(diagonal, 0);
        return maxViolation
            ? captionCost.max(1).values.sum().add(imageCost.max(0).values.sum())
            : captionCost.sum().add(imageCost.sum());
    }
}
