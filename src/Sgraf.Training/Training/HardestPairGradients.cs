using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// SGR with max_violation (see <see cref="FastGradients"/>): every pair scored without a graph, then only the pairs the
/// loss reads (non-zero gradient: positives and hardest negatives) scored again with their graph and differentiated.
/// The hardest negatives are the ones <c>torch.max</c> picks in <see cref="ContrastiveLoss"/>, ties included.
/// </summary>
internal static class HardestPairGradients
{
    /// <returns>The loss, and the gradients left on the encoded terms; the per-pair parameters' gradients are accumulated.</returns>
    public static (double Loss, PairInputs Gradients) Backward(SimilarityEncoder similarity, EncodedBatch encoded, double margin, int workers)
    {
        var inputs = encoded.Leaves;
        var scores = ScoreAll(similarity, inputs, encoded.Lengths, workers);
        PhaseClock.Mark("score all (no grad)");
        var (loss, scoreGradient) = FastGradients.LossGradient(scores, margin, maxViolation: true);

        // Rows of (image, caption) with a non-zero gradient, recomputed with their graph, grouped by caption length.
        var pairs = scoreGradient.nonzero().cpu();
        var images = pairs.select(1, 0).data<long>().ToArray();
        var captions = pairs.select(1, 1).data<long>().ToArray();
        long batch = scores.shape[1];
        var flatGradient = scoreGradient.view(-1);
        var outputs = new List<Tensor>();
        var grads = new List<Tensor>();
        foreach (var group in Enumerable.Range(0, images.Length).GroupBy(k => encoded.Lengths[captions[k]]))
        {
            var image = tensor(group.Select(k => images[k]).ToArray(), device: scores.device);
            var caption = tensor(group.Select(k => captions[k]).ToArray(), device: scores.device);
            outputs.Add(similarity.ScorePairs(inputs.Regions.index_select(0, image), inputs.ImageGlobals.index_select(0, image),
                inputs.RegionGram.index_select(0, image), inputs.Words.index_select(0, caption).narrow(1, 0, group.Key),
                inputs.CaptionGlobals.index_select(0, caption)));
            grads.Add(flatGradient.index_select(0, tensor(group.Select(k => images[k] * batch + captions[k]).ToArray(), device: scores.device)));
        }
        PhaseClock.Mark($"recompute {images.Length} pairs");
        if (outputs.Count > 0) autograd.backward(outputs, grads);
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
