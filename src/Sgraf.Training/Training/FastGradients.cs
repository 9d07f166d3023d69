using Sgraf.Inference.Model;
using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// The loss gradients of a batch, the same maths as <see cref="PlainGradients"/>, without one autograd graph over
/// every image–caption pair. The encoders and the per-batch globals are computed once with their graphs
/// (<see cref="EncodedBatch"/>); the per-pair part (spec §5–§8) runs on the detached terms, caption by caption or
/// in groups, on several threads; the loss gradient with respect to the B × B score matrix decides which pairs need
/// a backward pass; and one backward through the encoders finishes the step.
/// </summary>
/// <remarks>
/// SGR's per-pair part has no BatchNorm and no dropout, so a pair's score depends on that pair's inputs only. With
/// max_violation the loss reads at most three scores per caption: the positive, the caption's hardest image and the
/// image's hardest caption; summed over all negatives, it reads the pairs inside the margin. Every other score has zero
/// gradient. So SGR scores all pairs without a graph and recomputes only those with a non-zero gradient
/// (<see cref="NonZeroPairGradients"/>), unless most pairs have one (a model that has not learned yet). SAF's
/// BatchNorm1d(1) takes its statistics over all the images of a caption, so every pair has a gradient: its captions are
/// scored and differentiated column by column (<see cref="ColumnGradients"/>), as are those of SGR when most pairs
/// have a gradient.
/// </remarks>
public static class FastGradients
{
    /// <returns>The batch loss; every parameter's gradient is accumulated.</returns>
    /// <param name="workers">Threads the per-pair part runs on, one torch intra-op thread each.</param>
    public static double Backward(SgrafModel model, TrainingBatch batch, double margin, bool maxViolation, int workers)
    {
        using var scope = NewDisposeScope();
        PhaseClock.Start();
        var encoded = EncodedBatch.Encode(model, batch);
        PhaseClock.Mark("encode");
        var similarity = model.SimilarityEncoder;
        var nonZeroPairs = model.Config.Module == SimilarityModule.SGR
            ? NonZeroPairGradients.Backward(similarity, encoded, margin, maxViolation, workers)
            : null;
        var (loss, gradients) = nonZeroPairs ?? ColumnGradients.Backward(similarity, encoded, margin, maxViolation, workers);
        PhaseClock.Mark("pairs");
        encoded.Backward(gradients);
        PhaseClock.Mark("encoder backward");
        return loss;
    }

    /// <summary>The batch loss of a score matrix and its gradient with respect to every score.</summary>
    internal static (double Loss, Tensor Gradient) LossGradient(Tensor scores, double margin, bool maxViolation)
    {
        var leaf = scores.detach().requires_grad_(true);
        using var _ = enable_grad();
        var loss = ContrastiveLoss.Compute(leaf, margin, maxViolation);
        loss.backward();
        return (loss.item<float>(), leaf.grad!);
    }
}
