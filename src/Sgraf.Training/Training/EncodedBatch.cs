using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// The per-batch terms of a training step, each computed once with its autograd graph: region embeddings (B, 36, D),
/// word embeddings (B, L_max, D), image globals (B, D) and caption globals (B, D). The per-pair part of the step reads
/// them through detached copies (<see cref="Leaves"/>), so it can be scored, differentiated and recomputed apart from
/// the encoders; <see cref="Backward"/> then takes the gradients the pairs left on those copies through the encoders,
/// once. Dropout masks are drawn in the order the plain step draws them (text embedding, VisualSA, then TextSA caption
/// by caption), so with the same seed both steps use the same masks.
/// </summary>
internal sealed class EncodedBatch
{
    EncodedBatch(Tensor regions, Tensor words, Tensor imageGlobals, Tensor captionGlobals, long[] lengths)
    {
        (Regions, Words, ImageGlobals, CaptionGlobals, Lengths) = (regions, words, imageGlobals, captionGlobals, lengths);
        Leaves = new PairLeaves(Leaf(regions), Leaf(words), Leaf(imageGlobals), Leaf(captionGlobals));
    }

    public Tensor Regions { get; }
    public Tensor Words { get; }
    public Tensor ImageGlobals { get; }
    public Tensor CaptionGlobals { get; }
    public long[] Lengths { get; }

    /// <summary>The four terms detached from the encoders, each a leaf that collects its own gradient.</summary>
    public PairLeaves Leaves { get; }

    /// <summary>Tensors are created in the caller's dispose scope.</summary>
    public static EncodedBatch Encode(SgrafModel model, TrainingBatch batch)
    {
        var regions = model.EncodeImages(batch.Images);
        var words = model.EncodeCaptions(batch.TokenIds, batch.Lengths);
        var similarity = model.SimilarityEncoder;
        var imageGlobals = similarity.ImageGlobals(regions);
        // One caption at a time, in order: each TextSA call draws its dropout masks as the plain step's does.
        var captionGlobals = cat(batch.LengthArray
            .Select((length, j) => similarity.CaptionGlobals(words.narrow(0, j, 1).narrow(1, 0, length)))
            .ToArray(), 0);
        return new EncodedBatch(regions, words, imageGlobals, captionGlobals, batch.LengthArray);
    }

    /// <summary>Backpropagates through the encoders the gradients the per-pair part left on the four terms.</summary>
    public void Backward(PairInputs gradients)
    {
        var outputs = new List<Tensor>();
        var grads = new List<Tensor>();
        foreach (var (output, gradient) in new[] { (Regions, gradients.Regions), (Words, gradients.Words),
                     (ImageGlobals, gradients.ImageGlobals), (CaptionGlobals, gradients.CaptionGlobals) })
        {
            if (gradient is null) continue;
            outputs.Add(output);
            grads.Add(gradient);
        }
        autograd.backward(outputs, grads);
    }

    static Tensor Leaf(Tensor term) => term.detach().requires_grad_(true);
}

/// <summary>The encoded terms detached from the encoders, each a leaf that collects the gradient the pairs leave on it.</summary>
internal sealed record PairLeaves(Tensor Regions, Tensor Words, Tensor ImageGlobals, Tensor CaptionGlobals)
{
    public PairInputs Gradients => new(Regions.grad, Words.grad, ImageGlobals.grad, CaptionGlobals.grad);
}

/// <summary>What the per-pair part of a step reads, or the gradients it leaves on them (null: none).</summary>
internal sealed record PairInputs(Tensor? Regions, Tensor? Words, Tensor? ImageGlobals, Tensor? CaptionGlobals);
