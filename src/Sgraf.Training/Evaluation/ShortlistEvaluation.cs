using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Evaluation;

/// <summary>One shortlist size's quality: how much of the exact top 10 it keeps, and the recalls of the two-stage search.</summary>
public sealed record ShortlistQuality(
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("t2i_shortlist_recall")] double TextToImageRecall,
    [property: JsonPropertyName("i2t_shortlist_recall")] double ImageToTextRecall,
    [property: JsonPropertyName("t2i")] RecallMetrics TextToImage,
    [property: JsonPropertyName("i2t")] RecallMetrics ImageToText);

/// <summary>The exhaustive baseline and every shortlist size, for the same sampled queries.</summary>
public sealed record ShortlistReport(
    [property: JsonPropertyName("images")] int Images,
    [property: JsonPropertyName("captions")] int Captions,
    [property: JsonPropertyName("caption_queries")] int CaptionQueries,
    [property: JsonPropertyName("image_queries")] int ImageQueries,
    [property: JsonPropertyName("exact_top")] int ExactTop,
    [property: JsonPropertyName("exhaustive_t2i")] RecallMetrics TextToImage,
    [property: JsonPropertyName("exhaustive_i2t")] RecallMetrics ImageToText,
    [property: JsonPropertyName("shortlists")] IReadOnlyList<ShortlistQuality> Shortlists);

/// <summary>
/// Measures a bundle's shortlist head against its exact model on a precomp split: <c>queries</c> captions (text to image,
/// against every image) and <c>queries</c> images (image to text, against every caption), drawn with a seed. For each
/// shortlist size K: the fraction of the exact top 10 inside the head's top K, and R@1/5/10 of the two-stage search
/// (head top K reranked exactly) beside those of the exhaustive search. The exact scores of the sampled queries are the
/// slow part (queries × gallery pairs); they can be kept in a folder and reused.
/// </summary>
public static class ShortlistEvaluation
{
    public const int ExactTop = 10;

    /// <summary>Bumped when the way the cached scores are computed changes (2: copies of a caption scored once).</summary>
    const int CacheFormat = 2;

    sealed record CacheKey(
        [property: JsonPropertyName("format")] int Format,
        [property: JsonPropertyName("scores_of")] string ScoresOf,
        [property: JsonPropertyName("images_file")] string ImagesFile,
        [property: JsonPropertyName("captions_file")] string CaptionsFile,
        [property: JsonPropertyName("images")] int Images,
        [property: JsonPropertyName("captions")] int Captions,
        [property: JsonPropertyName("queries")] int Queries,
        [property: JsonPropertyName("seed")] int Seed);

    /// <summary>The sampled queries: caption indices, then image indices, each a seeded shuffle's first <paramref name="queries"/>.</summary>
    public static (int[] Captions, int[] Images) SampleQueries(int captions, int images, int queries, int seed)
    {
        var rng = new Random(seed);
        // Sorting by random keys is a uniform sample; the captions are drawn first, then the images, from one generator.
        var captionQueries = Enumerable.Range(0, captions).OrderBy(_ => rng.Next()).Take(queries).ToArray();
        return (captionQueries, Enumerable.Range(0, images).OrderBy(_ => rng.Next()).Take(queries).ToArray());
    }

    public static ShortlistReport Run(SgrafRuntime runtime, PrecompDataset data, int queries, int seed, IReadOnlyList<int> ks,
        string? exactScoresDir, Action<string> progress)
    {
        var head = runtime.Shortlist ?? throw InvalidInputException.InFile(runtime.Bundle.Directory,
            "the bundle has no shortlist head; add one with sgraf train-shortlist and sgraf add-shortlist");
        var (captionQueries, imageQueries) = SampleQueries(data.CaptionCount, data.ImageCount, queries, seed);

        progress($"encoding {data.ImageCount} images and {data.CaptionCount} captions");
        var images = runtime.EncodeImages(data.ImageFeatures, data.ImageCount);
        var captions = runtime.EncodeCaptions(data.Captions);
        var imageVectors = head.EncodeImages(images);
        var captionVectors = head.EncodeCaptions(captions);

        var (textToImage, imageToText) = ExactScores(runtime, data, images, captions, captionQueries, imageQueries, queries, seed, exactScoresDir, progress);

        progress("ranking");
        int dim = head.Dim;
        // Text to image: caption query q against every image; column q of the exact (images × queries) matrix.
        var t2iExact = captionQueries.Select((_, q) => textToImage.Column(q)).ToArray();
        var t2iFirst = captionQueries.Select(j => Dots(imageVectors, captionVectors.AsSpan(j * dim, dim), dim)).ToArray();
        var t2iTruth = captionQueries.Select(j => new[] { data.ImageOf(j) }).ToArray();
        var i2tExact = imageQueries.Select((_, q) => imageToText.Row(q).ToArray()).ToArray();
        var i2tFirst = imageQueries.Select(i => Dots(captionVectors, imageVectors.AsSpan(i * dim, dim), dim)).ToArray();
        var i2tTruth = imageQueries.Select(i => Enumerable.Range(i * data.CaptionsPerImage, data.CaptionsPerImage).ToArray()).ToArray();

        var shortlists = ks.Select(k =>
        {
            var t2iShortlists = t2iFirst.Select(f => new HashSet<int>(ShortlistRecall.Shortlist(f, k))).ToArray();
            var i2tShortlists = i2tFirst.Select(f => new HashSet<int>(ShortlistRecall.Shortlist(f, k))).ToArray();
            return new ShortlistQuality(k,
                Average(t2iExact.Length, q => ShortlistRecall.Of(t2iExact[q], t2iShortlists[q], ExactTop)),
                Average(i2tExact.Length, q => ShortlistRecall.Of(i2tExact[q], i2tShortlists[q], ExactTop)),
                TwoStage(t2iExact, t2iFirst, t2iShortlists, t2iTruth),
                TwoStage(i2tExact, i2tFirst, i2tShortlists, i2tTruth));
        }).ToArray();
        return new ShortlistReport(data.ImageCount, data.CaptionCount, captionQueries.Length, imageQueries.Length, ExactTop,
            Exhaustive(t2iExact, t2iTruth), Exhaustive(i2tExact, i2tTruth), shortlists);
    }

    /// <summary>(images × caption queries) and (image queries × captions) exact scores, from the cache folder when it holds them.</summary>
    internal static (ScoreMatrix TextToImage, ScoreMatrix ImageToText) ExactScores(SgrafRuntime runtime, PrecompDataset data,
        ImageEmbeddings images, CaptionEmbeddings captions, int[] captionQueries, int[] imageQueries, int queries, int seed,
        string? cacheDir, Action<string> progress)
    {
        var key = new CacheKey(CacheFormat, ScoresOf(runtime.Bundle), Path.GetFullPath(data.ImagesPath), Path.GetFullPath(data.CaptionsPath),
            data.ImageCount, data.CaptionCount, queries, seed);
        string? keyPath = cacheDir is null ? null : Path.Combine(cacheDir, "key.json");
        string t2iPath = cacheDir is null ? "" : Path.Combine(cacheDir, "t2i.npy"), i2tPath = cacheDir is null ? "" : Path.Combine(cacheDir, "i2t.npy");
        if (keyPath is not null && File.Exists(keyPath) && File.Exists(t2iPath) && File.Exists(i2tPath)
            && JsonSerializer.Deserialize<CacheKey>(File.ReadAllText(keyPath)) == key)
        {
            progress($"exact scores from {cacheDir}");
            return (ScoreMatrix.Load(t2iPath), ScoreMatrix.Load(i2tPath));
        }
        progress($"exact scores: {data.ImageCount} images × {captionQueries.Length} caption queries");
        var textToImage = runtime.Score(images, captions.Select(captionQueries));
        progress($"exact scores: {imageQueries.Length} image queries × {data.CaptionCount} captions");
        var imageToText = runtime.Score(images.Select(imageQueries), captions);
        if (cacheDir is not null)
        {
            Directory.CreateDirectory(cacheDir);
            textToImage.Save(t2iPath);
            imageToText.Save(i2tPath);
            File.WriteAllText(keyPath!, JsonSerializer.Serialize(key, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        return (textToImage, imageToText);
    }

    /// <summary>What the exact scores depend on: every bundle file but the shortlist head's.</summary>
    static string ScoresOf(SgrafBundle bundle) => string.Join(",", bundle.Manifest.Files
        .Where(f => f.Key is not (BundleManifest.ShortlistImageFile or BundleManifest.ShortlistTextFile))
        .OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}:{f.Value.Sha256}"));

    /// <summary>R@K of ranking by <paramref name="exact"/> per query, each query's best-ranked true item counting.</summary>
    internal static RecallMetrics Exhaustive(double[][] exact, int[][] truth) =>
        RecallMetrics.FromRanks([.. exact.Select((scores, q) => truth[q].Min(t => RankingOrder.PositionOf(scores, t)))]);

    static RecallMetrics TwoStage(double[][] exact, double[][] firstStage, HashSet<int>[] shortlists, int[][] truth)
    {
        var ranks = new int[exact.Length];
        Parallel.For(0, exact.Length, q => ranks[q] = truth[q].Min(t => ShortlistRecall.TwoStageRank(exact[q], firstStage[q], shortlists[q], t)));
        return RecallMetrics.FromRanks(ranks);
    }

    static double Average(int count, Func<int, double> value)
    {
        var values = new double[count];
        Parallel.For(0, count, q => values[q] = value(q));
        return values.Average();
    }

    static double[] Dots(float[] gallery, ReadOnlySpan<float> query, int dim)
    {
        var result = new double[gallery.Length / dim];
        for (int i = 0; i < result.Length; i++) result[i] = TensorPrimitives.Dot(gallery.AsSpan(i * dim, dim), query);
        return result;
    }
}
