using System.Diagnostics;
using Sgraf.Api.Observability;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Search;

/// <summary>The exact score of every image × caption pair with the search's model: what each hit's score is. Thread-safe.</summary>
public sealed class ExactScorer(SgrafRuntime runtime, ScoringMetrics metrics)
{
    /// <summary>
    /// Scores images × captions, one runtime call per caption length. Captions of one length need no padding, so a
    /// pair's score does not depend on which other captions share its batch: padded lengths change the order of
    /// floating-point sums, and a batched answer would then differ from the same search alone in the last bits.
    /// <paramref name="parallelism"/> (the caller's share of a <see cref="CoreBudget"/>) is how many score chunks each
    /// runtime call runs side by side; it changes how the work is split, and the scores only to float32 rounding.
    /// </summary>
    public ScoreMatrix Score(ImageEmbeddings images, CaptionEmbeddings captions, SearchModel model, string direction, int parallelism) =>
        Score(images.Count, captions, model, direction,
            (subset, module) => module is { } m ? runtime.Score(images, subset, m, parallelism) : runtime.Score(images, subset, parallelism));

    /// <summary>The same for images scattered over gallery segments (a shortlist), which the runtime reads without packing them first.</summary>
    public ScoreMatrix Score(IReadOnlyList<(ImageEmbeddings Source, int Index)> images, CaptionEmbeddings captions, SearchModel model, string direction, int parallelism) =>
        Score(images.Count, captions, model, direction,
            (subset, module) => module is { } m ? runtime.Score(images, subset, m, parallelism) : runtime.Score(images, subset, parallelism));

    ScoreMatrix Score(int images, CaptionEmbeddings captions, SearchModel model, string direction,
        Func<CaptionEmbeddings, SimilarityModule?, ScoreMatrix> score)
    {
        var watch = Stopwatch.StartNew();
        var values = new double[(long)images * captions.Count];
        foreach (var group in Enumerable.Range(0, captions.Count).GroupBy(j => captions.Lengths[j]))
        {
            var members = group.ToArray();
            var subset = members.Length == captions.Count ? captions : captions.Select(members);
            var scores = score(subset, model switch
            {
                SearchModel.Sgr => SimilarityModule.SGR,
                SearchModel.Saf => SimilarityModule.SAF,
                _ => null,
            });
            for (int i = 0; i < images; i++)
                for (int k = 0; k < members.Length; k++) values[(long)i * captions.Count + members[k]] = scores[i, k];
        }
        bool textQueries = direction == "text-to-image";
        metrics.ScoringCompleted(direction, model.Name(), textQueries ? captions.Count : images, textQueries ? images : captions.Count, watch.Elapsed);
        return new ScoreMatrix(images, captions.Count, values);
    }
}
