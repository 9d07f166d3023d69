using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// SGR (see <see cref="FastGradients"/>): every pair scored without a graph, then only the pairs whose score has a
/// non-zero loss gradient scored again with their graph and differentiated. With max_violation those are the positives
/// and the hardest negatives (the ones <c>torch.max</c> picks in <see cref="ContrastiveLoss"/>, ties included); with
/// the loss summed over all negatives, the pairs inside the margin, a few percent of a batch once a model has learned
/// something (docs/benchmarks.md "The recipe's step").
/// </summary>
internal static class NonZeroPairGradients
{
    /// <summary>
    /// Above this share of the batch's pairs the columns of <see cref="ColumnGradients"/> are cheaper: they score and
    /// differentiate in one pass on every worker, where this path has already paid a pass without a graph.
    /// </summary>
    public const double MostPairs = 0.5;

    /// <returns>
    /// The loss, and the gradients left on the encoded terms (the per-pair parameters' gradients are accumulated); or
    /// null, with nothing accumulated, when more than <see cref="MostPairs"/> of the pairs have a gradient.
    /// </returns>
    /// <param name="workingSet">Elements a chunk of recomputed pairs may hold per tensor (tests make it small).</param>
    public static (double Loss, PairInputs Gradients)? Backward(SimilarityEncoder similarity, EncodedBatch encoded, double margin,
        bool maxViolation, int workers, long workingSet = SimilarityEncoder.WorkingSetElements)
    {
        var inputs = encoded.Leaves;
        var scores = ScoreAll(similarity, inputs, encoded.Lengths, workers);
        PhaseClock.Mark("score all (no grad)");
        var (loss, scoreGradient) = FastGradients.LossGradient(scores, margin, maxViolation);

        var pairs = scoreGradient.nonzero().cpu();
        if (pairs.shape[0] > MostPairs * scores.numel()) return null;
        var images = pairs.select(1, 0).data<long>().ToArray();
        var captions = pairs.select(1, 1).data<long>().ToArray();
        long batch = scores.shape[1];
        long embedSize = inputs.Regions.shape[2];
        var flatGradient = scoreGradient.view(-1);
        // Captions of one length together, in chunks whose graphs stay within the working-set bound; each chunk's
        // backward adds to the leaves' gradients before the next is built.
        foreach (var group in Enumerable.Range(0, images.Length).GroupBy(k => encoded.Lengths[captions[k]]))
        {
            long perPair = (Inference.Model.SgrafConfig.Regions + group.Key) * embedSize;
            int chunkSize = (int)Math.Clamp(workingSet / perPair, 1, int.MaxValue);
            foreach (var chunk in group.Chunk(chunkSize))
            {
                using var scope = NewDisposeScope();
                var image = tensor(chunk.Select(k => images[k]).ToArray(), device: scores.device);
                var caption = tensor(chunk.Select(k => captions[k]).ToArray(), device: scores.device);
                var output = similarity.ScorePairs(inputs.Regions.index_select(0, image), inputs.ImageGlobals.index_select(0, image),
                    inputs.RegionGram.index_select(0, image), inputs.Words.index_select(0, caption).narrow(1, 0, group.Key),
                    inputs.CaptionGlobals.index_select(0, caption));
                var gradient = flatGradient.index_select(0, tensor(chunk.Select(k => images[k] * batch + captions[k]).ToArray(), device: scores.device));
                autograd.backward([output], [gradient]);
            }
        }
        PhaseClock.Mark($"recompute {images.Length} pairs");
        return (loss, inputs.Gradients);
    }

    /// <summary>The (B, B) score matrix without autograd: captions of one length together, groups side by side.</summary>
    internal static Tensor ScoreAll(SimilarityEncoder similarity, PairLeaves inputs, long[] lengths, int workers)
    {
        using var _ = no_grad();
        long images = inputs.Regions.shape[0];
        var scores = empty(images, lengths.Length, device: inputs.Regions.device);
        var groups = SimilarityEncoder.CaptionGroups(lengths, images, inputs.Regions.shape[2], training: false).ToArray();
        TorchWorkers.Shared(workers, groups.Length, g =>
        {
            var caption = tensor(groups[g], device: scores.device);
            var words = inputs.Words.index_select(0, caption).narrow(1, 0, lengths[groups[g][0]]);
            var groupScores = similarity.ScoreCaptions(inputs.Regions, inputs.ImageGlobals, inputs.RegionGram, words,
                inputs.CaptionGlobals.index_select(0, caption));
            // Each group writes its own columns.
            scores.index_copy_(1, caption, groupScores);
        });
        return scores;
    }
}
