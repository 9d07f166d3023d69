using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Shortlist;

/// <summary>The parts of one batch's loss, for the log.</summary>
public readonly record struct ShortlistLossParts(double Total, double Distillation, double Contrastive);

/// <summary>
/// The head's loss on a batch of images × captions: listwise distillation of the exact model's ranking in both
/// directions (the KL divergence from softmax(exact / τ) to the softmax of the head's scaled cosines, over the batch's
/// images for each caption and over its captions for each image), plus a contrastive term on the true pairs that keeps
/// the ground truth on top where the exact model itself errs.
/// </summary>
public static class ShortlistLoss
{
    /// <param name="cosines">(B, C) head cosines of images × captions.</param>
    /// <param name="scale">Scalar logit scale.</param>
    /// <param name="exact">(B, C) the exact model's scores of the same pairs.</param>
    /// <param name="positives">(B, C) bool: caption c describes image b.</param>
    public static (Tensor Loss, ShortlistLossParts Parts) Compute(Tensor cosines, Tensor scale, Tensor exact, Tensor positives,
        double teacherTemperature, double distillationWeight, double contrastiveWeight)
    {
        var logits = cosines.mul(scale);
        using var temperature = teacherTemperature.ToScalar();
        using var two = 2f.ToScalar();
        var teacher = exact.div(temperature);
        // Text to image: each caption's distribution over the batch's images (dim 0); image to text: over captions (dim 1).
        var distillation = Kl(teacher, logits, 0).add(Kl(teacher, logits, 1)).div(two);

        using var lowest = float.MinValue.ToScalar();
        var notPositive = positives.logical_not();
        // Each caption has one true image; an image has several true captions, any of which should come first.
        var captionToImage = logits.log_softmax(0).masked_fill(notPositive, lowest).logsumexp(0).neg().mean();
        var imageToCaption = logits.log_softmax(1).masked_fill(notPositive, lowest).logsumexp(1).neg().mean();
        var contrastive = captionToImage.add(imageToCaption).div(two);

        using var dw = distillationWeight.ToScalar();
        using var cw = contrastiveWeight.ToScalar();
        var loss = distillation.mul(dw).add(contrastive.mul(cw));
        return (loss, new ShortlistLossParts(loss.item<float>(), distillation.item<float>(), contrastive.item<float>()));
    }

    /// <summary>Mean over the other axis of KL(softmax(teacher) ‖ softmax(student)) along <paramref name="dim"/>.</summary>
    static Tensor Kl(Tensor teacher, Tensor student, long dim)
    {
        var target = teacher.log_softmax(dim);
        return target.exp().mul(target.sub(student.log_softmax(dim))).sum(dim).mean();
    }
}
