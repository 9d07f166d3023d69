using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// SAF, or SGR when most of its pairs have a gradient (see <see cref="FastGradients"/>): each caption's column of scores against every
/// image, with its graph, on the workers; the loss gradient of the whole matrix; then each column's backward, on the
/// same worker that built it. Each worker differentiates with respect to its own detached copies of the encoded
/// terms and sums its columns' parameter gradients itself, in caption order; the workers' sums are added in worker
/// order, so a step's result does not depend on thread timing. SAF's BatchNorm running statistics are updated once
/// per caption, in caption order, after the columns are scored (spec §10).
/// </summary>
internal static class ColumnGradients
{
    /// <returns>The loss, and the gradients left on the encoded terms; the per-pair parameters' gradients are accumulated.</returns>
    public static (double Loss, PairInputs Gradients) Backward(SimilarityEncoder similarity, EncodedBatch encoded, double margin,
        bool maxViolation, int workers)
    {
        var lengths = encoded.Lengths;
        int captions = lengths.Length;
        workers = Math.Clamp(workers, 1, captions);
        var shared = encoded.Leaves;
        var parameters = similarity.PairParameters().ToArray();
        long images = shared.Regions.shape[0];

        // Per worker: its own leaves for the terms every column reads, and its sums of gradients.
        var regions = Enumerable.Range(0, workers).Select(_ => shared.Regions.detach().requires_grad_(true)).ToArray();
        var imageGlobals = Enumerable.Range(0, workers).Select(_ => shared.ImageGlobals.detach().requires_grad_(true)).ToArray();
        var grams = Enumerable.Range(0, workers).Select(_ => shared.RegionGram.detach().requires_grad_(true)).ToArray();
        var sums = Enumerable.Range(0, workers)
            .Select(w => parameters.Select(p => zeros_like(p)).Concat([zeros_like(regions[w]), zeros_like(imageGlobals[w]), zeros_like(grams[w])]).ToArray())
            .ToArray();
        var reached = new bool[parameters.Length];
        var wordGradient = zeros_like(shared.Words);
        var captionGlobalGradient = zeros_like(shared.CaptionGlobals);

        var scores = empty(images, captions, device: shared.Regions.device);
        var columns = new Tensor[captions];
        var words = new Tensor[captions];
        var captionGlobals = new Tensor[captions];
        var statistics = new List<NormStatistics>[captions];
        try
        {
            TorchWorkers.Partitioned(workers, captions, (w, j) =>
            {
                words[j] = shared.Words.narrow(0, j, 1).narrow(1, 0, lengths[j]).detach().requires_grad_(true).DetachFromDisposeScope();
                captionGlobals[j] = shared.CaptionGlobals.narrow(0, j, 1).detach().requires_grad_(true).DetachFromDisposeScope();
                statistics[j] = [];
                var column = similarity.ScoreCaptions(regions[w], imageGlobals[w], grams[w], words[j], captionGlobals[j], deferredNorm: statistics[j]);
                using (no_grad()) scores.narrow(1, j, 1).copy_(column);
                // The column's graph outlives this scope through the column tensor, until its backward below.
                columns[j] = column.DetachFromDisposeScope();
            });
            PhaseClock.Mark("columns forward");
            var (loss, scoreGradient) = FastGradients.LossGradient(scores, margin, maxViolation);
            similarity.UpdateNormStatistics(statistics.SelectMany(s => s));

            TorchWorkers.Partitioned(workers, captions, (w, j) =>
            {
                var inputs = parameters.Cast<Tensor>().Concat([regions[w], imageGlobals[w], grams[w], words[j], captionGlobals[j]]).ToArray();
                var gradients = autograd.grad([columns[j]], inputs, [scoreGradient.narrow(1, j, 1)], allow_unused: true);
                columns[j].Dispose();
                // allow_unused: a parameter no pair reads (SGR's b_k, see GraphReasoning) comes back as an undefined tensor.
                for (int k = 0; k < sums[w].Length; k++)
                {
                    if (gradients[k].IsInvalid) continue;
                    sums[w][k].add_(gradients[k]);
                    if (k < parameters.Length) reached[k] = true;
                }
                wordGradient.narrow(0, j, 1).narrow(1, 0, lengths[j]).copy_(gradients[^2]);
                captionGlobalGradient.narrow(0, j, 1).copy_(gradients[^1]);
            });

            PhaseClock.Mark("columns backward");
            for (int w = 1; w < workers; w++)
                for (int k = 0; k < sums[0].Length; k++) sums[0][k].add_(sums[w][k]);
            // As backward() would: a parameter that no column reads keeps no gradient.
            for (int k = 0; k < parameters.Length; k++)
                if (reached[k]) Accumulate(parameters[k], sums[0][k]);
            return (loss, new PairInputs(sums[0][^3], wordGradient, sums[0][^2], captionGlobalGradient, sums[0][^1]));
        }
        finally
        {
            foreach (var t in columns.Concat(words).Concat(captionGlobals)) t?.Dispose();
        }
    }

    static void Accumulate(Tensor parameter, Tensor gradient)
    {
        if (parameter.grad is { } existing) existing.add_(gradient);
        else parameter.grad = gradient.clone();
    }
}
