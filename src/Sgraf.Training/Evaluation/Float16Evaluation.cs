using System.Text.Json.Serialization;
using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Evaluation;

/// <summary>One direction's float16-vs-float32 comparison.</summary>
public sealed record Float16Agreement(
    [property: JsonPropertyName("queries")] int Queries,
    [property: JsonPropertyName("top10_same_order")] double SameOrder,
    [property: JsonPropertyName("top10_same_set")] double SameSet,
    [property: JsonPropertyName("max_abs_score_difference")] double MaxDifference,
    [property: JsonPropertyName("mean_abs_score_difference")] double MeanDifference,
    [property: JsonPropertyName("float32")] RecallMetrics Float32,
    [property: JsonPropertyName("float16")] RecallMetrics Float16);

/// <summary>
/// What storing a gallery's image embeddings as float16 (<c>Sgraf:Storage:Precision = Float16</c>) does to search: the
/// same sampled queries as <see cref="ShortlistEvaluation"/>, scored exhaustively against images whose region embeddings
/// were rounded to float16 and widened back (what the scorer reads from a float16 segment; globals stay float32), beside the
/// float32 scores. Per query: is the top 10 the same (in order, and as a set); over all pairs: the score differences.
/// </summary>
public static class Float16Evaluation
{
    public static (Float16Agreement TextToImage, Float16Agreement ImageToText) Run(SgrafRuntime runtime, PrecompDataset data,
        int queries, int imageQueries, int seed, string? exactScoresDir, Action<string> progress)
    {
        var (captionQueries, allImageQueries) = ShortlistEvaluation.SampleQueries(data.CaptionCount, data.ImageCount, queries, seed);
        progress($"encoding {data.ImageCount} images and {data.CaptionCount} captions");
        var images = runtime.EncodeImages(data.ImageFeatures, data.ImageCount);
        var captions = runtime.EncodeCaptions(data.Captions);
        var (t2i32, i2t32) = ShortlistEvaluation.ExactScores(runtime, data, images, captions, captionQueries, allImageQueries, queries, seed, exactScoresDir, progress);

        var half = RoundedToHalf(images);
        progress($"float16 scores: {data.ImageCount} images × {captionQueries.Length} caption queries");
        var t2i16 = runtime.Score(half, captions.Select(captionQueries));
        int[] chosen = allImageQueries[..Math.Min(imageQueries, allImageQueries.Length)];
        progress($"float16 scores: {chosen.Length} image queries × {data.CaptionCount} captions");
        var i2t16 = runtime.Score(half.Select(chosen), captions);

        var t2iTruth = captionQueries.Select(j => new[] { data.ImageOf(j) }).ToArray();
        var i2tTruth = chosen.Select(i => Enumerable.Range(i * data.CaptionsPerImage, data.CaptionsPerImage).ToArray()).ToArray();
        return (Compare([.. captionQueries.Select((_, q) => t2i32.Column(q))], [.. captionQueries.Select((_, q) => t2i16.Column(q))], t2iTruth),
                Compare([.. chosen.Select((_, q) => i2t32.Row(q).ToArray())], [.. chosen.Select((_, q) => i2t16.Row(q).ToArray())], i2tTruth));
    }

    /// <summary>Region embeddings rounded to the nearest float16, global vectors kept, as a float16 segment stores them.</summary>
    public static ImageEmbeddings RoundedToHalf(ImageEmbeddings images) =>
        new(images.Count, images.Encodings.ToDictionary(e => e.Key, e =>
            new ImageEncoding(Round(e.Value.Regions.Span), e.Value.Globals.ToArray(), e.Value.EmbedSize)));

    static float[] Round(ReadOnlySpan<float> values)
    {
        var rounded = new float[values.Length];
        for (int i = 0; i < values.Length; i++) rounded[i] = (float)(Half)values[i];
        return rounded;
    }

    static Float16Agreement Compare(double[][] single, double[][] half, int[][] truth)
    {
        int sameOrder = 0, sameSet = 0;
        double max = 0, sum = 0;
        long pairs = 0;
        for (int q = 0; q < single.Length; q++)
        {
            var (top32, top16) = (RankingOrder.Top(single[q], ShortlistEvaluation.ExactTop), RankingOrder.Top(half[q], ShortlistEvaluation.ExactTop));
            sameOrder += top32.SequenceEqual(top16) ? 1 : 0;
            sameSet += top32.Order().SequenceEqual(top16.Order()) ? 1 : 0;
            for (int i = 0; i < single[q].Length; i++)
            {
                double difference = Math.Abs(single[q][i] - half[q][i]);
                max = Math.Max(max, difference);
                sum += difference;
            }
            pairs += single[q].Length;
        }
        return new Float16Agreement(single.Length, (double)sameOrder / single.Length, (double)sameSet / single.Length, max, sum / pairs,
            ShortlistEvaluation.Exhaustive(single, truth), ShortlistEvaluation.Exhaustive(half, truth));
    }
}
