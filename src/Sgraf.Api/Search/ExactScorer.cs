using System.Diagnostics;
using Sgraf.Api.Observability;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Search;

/// <summary>The exact score of every image × caption pair with the search's model: what each hit's score is. Thread-safe.</summary>
public sealed class ExactScorer(SgrafRuntime runtime, ServiceMetrics metrics)
{
    /// <summary>
    /// Scores images × captions, one runtime call per caption length. Captions of one length need no padding, so a
    /// pair's score does not depend on which other captions share its batch: padded lengths change the order of
    /// floating-point sums, and a batched answer would then differ from the same search alone in the last bits.
    /// </summary>
    public ScoreMatrix Score(ImageEmbeddings images, CaptionEmbeddings captions, SearchModel model, string direction)
    {
        var watch = Stopwatch.StartNew();
        var values = new double[(long)images.Count * captions.Count];
        foreach (var group in Enumerable.Range(0, captions.Count).GroupBy(j => captions.Lengths[j]))
        {
            var members = group.ToArray();
            var subset = members.Length == captions.Count ? captions : captions.Select(members);
            var scores = model switch
            {
                SearchModel.Sgr => runtime.Score(images, subset, SimilarityModule.SGR),
                SearchModel.Saf => runtime.Score(images, subset, SimilarityModule.SAF),
                _ => runtime.Score(images, subset),
            };
            for (int i = 0; i < images.Count; i++)
                for (int k = 0; k < members.Length; k++) values[(long)i * captions.Count + members[k]] = scores[i, k];
        }
        bool textQueries = direction == "text-to-image";
        metrics.ScoringCompleted(direction, model.Name(), textQueries ? captions.Count : images.Count, textQueries ? images.Count : captions.Count, watch.Elapsed);
        return new ScoreMatrix(images.Count, captions.Count, values);
    }
}
