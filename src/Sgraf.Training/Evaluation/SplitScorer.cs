using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Evaluation;

/// <summary>
/// Scores every image of a precomp split against every caption with one model, as the official
/// encode_data + shard_attn_scores do (spec §12): encoders in batches of 100, then 100 × 100 shards.
/// </summary>
public static class SplitScorer
{
    public const int BatchSize = 100;

    /// <summary>Number of progress steps <see cref="Score"/> reports for a split of this size.</summary>
    public static int StepCount(int images, int captions) =>
        Batches(images) + Batches(captions) + Batches(images) * Batches(captions);

    /// <param name="captionIds">Token ids of every caption, &lt;start&gt; and &lt;end&gt; included.</param>
    /// <param name="step">Called once per batch or shard done.</param>
    /// <param name="globalOnly">Score by the global-only baseline (v_glo · t_glo) instead of the model's head.</param>
    public static ScoreMatrix Score(SgrafModel model, PrecompDataset data, IReadOnlyList<int[]> captionIds, Action? step = null,
        bool globalOnly = false)
    {
        model.eval();
        using var _ = no_grad();
        var regions = EncodeImages(model, data, step);
        var words = EncodeCaptions(model, captionIds, step);
        var scores = new double[(long)data.ImageCount * data.CaptionCount];
        for (int i0 = 0; i0 < data.ImageCount; i0 += BatchSize)
        {
            int images = Math.Min(BatchSize, data.ImageCount - i0);
            for (int j0 = 0; j0 < data.CaptionCount; j0 += BatchSize)
            {
                int captions = Math.Min(BatchSize, data.CaptionCount - j0);
                using var scope = NewDisposeScope();
                var lengths = Enumerable.Range(j0, captions).Select(j => words[j].shape[0]).ToArray();
                var shardWords = PadAndStack(words.Skip(j0).Take(captions).ToArray(), lengths.Max());
                var shardRegions = regions.narrow(0, i0, images);
                var shard = (globalOnly
                    ? model.ScoreGlobalOnly(shardRegions, shardWords, lengths)
                    : model.Score(shardRegions, shardWords, lengths)).to(ScalarType.Float64);
                var values = shard.data<double>().ToArray();
                for (int i = 0; i < images; i++)
                    Array.Copy(values, i * captions, scores, (long)(i0 + i) * data.CaptionCount + j0, captions);
                step?.Invoke();
            }
        }
        regions.Dispose();
        foreach (var w in words) w.Dispose();
        return new ScoreMatrix(data.ImageCount, data.CaptionCount, scores);
    }

    /// <summary>(N, 36, D) region embeddings of every image.</summary>
    static Tensor EncodeImages(SgrafModel model, PrecompDataset data, Action? step)
    {
        var batches = new List<Tensor>();
        int regionsPerImage = Inference.Model.SgrafConfig.Regions;
        for (int i0 = 0; i0 < data.ImageCount; i0 += BatchSize)
        {
            int count = Math.Min(BatchSize, data.ImageCount - i0);
            using var scope = NewDisposeScope();
            long width = (long)regionsPerImage * data.ImageDim;
            var features = data.ImageFeatures.AsSpan((int)(i0 * width), (int)(count * width)).ToArray();
            var input = tensor(features, [count, regionsPerImage, data.ImageDim]).to(model.Device);
            batches.Add(model.EncodeImages(input).MoveToOuterDisposeScope());
            step?.Invoke();
        }
        var all = cat(batches, 0);
        foreach (var b in batches) b.Dispose();
        return all;
    }

    /// <summary>One (L_j, D) tensor of word embeddings per caption.</summary>
    static Tensor[] EncodeCaptions(SgrafModel model, IReadOnlyList<int[]> captionIds, Action? step)
    {
        var result = new Tensor[captionIds.Count];
        for (int j0 = 0; j0 < captionIds.Count; j0 += BatchSize)
        {
            int count = Math.Min(BatchSize, captionIds.Count - j0);
            using var scope = NewDisposeScope();
            var (ids, lengths) = TokenBatch.Pad(captionIds.Skip(j0).Take(count).ToArray());
            var embedded = model.EncodeCaptions(ids.to(model.Device), lengths);
            for (int j = 0; j < count; j++)
                result[j0 + j] = embedded[j].narrow(0, 0, captionIds[j0 + j].Length).clone().MoveToOuterDisposeScope();
            step?.Invoke();
        }
        return result;
    }

    static Tensor PadAndStack(Tensor[] words, long length) =>
        stack(words.Select(w => nn.functional.pad(w, [0, 0, 0, length - w.shape[0]])).ToArray(), 0);

    static int Batches(int count) => (count + BatchSize - 1) / BatchSize;
}
