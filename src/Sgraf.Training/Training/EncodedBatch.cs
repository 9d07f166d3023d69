using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// The per-batch terms of a training step, each computed once with its autograd graph: region embeddings (B, 36, D),
/// word embeddings (B, L_max, D), image globals (B, D), caption globals (B, D) and the regions' Gram matrices
/// (B, 36, 36). The per-pair part of the step reads
/// them through detached copies (<see cref="Leaves"/>), so it can be scored, differentiated and recomputed apart from
/// the encoders; <see cref="Backward"/> then takes the gradients the pairs left on those copies through the encoders,
/// once. Dropout masks are drawn in the order the plain step draws them (text embedding, VisualSA, then TextSA caption
/// by caption), so with the same seed both steps use the same masks.
/// </summary>
internal sealed class EncodedBatch
{
    EncodedBatch(PairInputs terms, long[] lengths)
    {
        (Terms, Lengths) = (terms, lengths);
        Leaves = new PairLeaves(Leaf(terms.Regions!), Leaf(terms.Words!), Leaf(terms.ImageGlobals!), Leaf(terms.CaptionGlobals!), Leaf(terms.RegionGram!));
    }

    /// <summary>The terms with their graphs.</summary>
    public PairInputs Terms { get; }

    public long[] Lengths { get; }

    /// <summary>The terms detached from the encoders, each a leaf that collects its own gradient.</summary>
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
        var gram = SimilarityEncoder.RegionGram(regions);
        return new EncodedBatch(new PairInputs(regions, words, imageGlobals, captionGlobals, gram), batch.LengthArray);
    }

    /// <summary>Backpropagates through the encoders the gradients the per-pair part left on the terms.</summary>
    public void Backward(PairInputs gradients)
    {
        var outputs = new List<Tensor>();
        var grads = new List<Tensor>();
        foreach (var (output, gradient) in Terms.All.Zip(gradients.All))
        {
            if (gradient is null) continue;
            outputs.Add(output!);
            grads.Add(gradient);
        }
        if (outputs.Count > 0) autograd.backward(outputs, grads);
    }

    static Tensor Leaf(Tensor term) => term.detach().requires_grad_(true);
}

/// <summary>The encoded terms detached from the encoders, each a leaf that collects the gradient the pairs leave on it.</summary>
internal sealed record PairLeaves(Tensor Regions, Tensor Words, Tensor ImageGlobals, Tensor CaptionGlobals, Tensor RegionGram)
{
    public PairInputs Gradients => new(Regions.grad, Words.grad, ImageGlobals.grad, CaptionGlobals.grad, RegionGram.grad);
}

/// <summary>What the per-pair part of a step reads, or the gradients it leaves on them (null: none).</summary>
internal sealed record PairInputs(Tensor? Regions, Tensor? Words, Tensor? ImageGlobals, Tensor? CaptionGlobals, Tensor? RegionGram)
{
    public Tensor?[] All => [Regions, Words, ImageGlobals, CaptionGlobals, RegionGram];
}
