using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// The loss gradients as the official code gets them: one autograd graph over the whole batch — both encoders and
/// every image–caption pair — and one backward. The reference that <see cref="FastGradients"/> is tested against.
/// </summary>
public static class PlainGradients
{
    /// <returns>The batch loss; every parameter's gradient is accumulated.</returns>
    public static double Backward(SgrafModel model, TrainingBatch batch, double margin, bool maxViolation)
    {
        using var scope = NewDisposeScope();
        var scores = model.Score(model.EncodeImages(batch.Images), model.EncodeCaptions(batch.TokenIds, batch.Lengths), batch.LengthArray);
        var loss = ContrastiveLoss.Compute(scores, margin, maxViolation);
        loss.backward();
        return loss.item<float>();
    }
}
