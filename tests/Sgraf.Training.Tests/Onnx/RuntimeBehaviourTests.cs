using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>How the runtime behaves around the scores: concurrent callers, copies of a caption, chunking and float16 regions.</summary>
public sealed class RuntimeBehaviourTests(OfficialBundle bundle) : IClassFixture<OfficialBundle>
{
    [Fact]
    public void Concurrent_callers_get_the_same_scores_as_one_caller()
    {
        var expected = bundle.Runtime.Score(bundle.Images, bundle.Captions).Values;
        var results = new double[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var captions = bundle.Runtime.EncodeCaptions(bundle.Data.Captions);
            results[k] = bundle.Runtime.Score(bundle.Images, captions).Values;
        });
        foreach (var result in results) Assert.Equal(expected, result);
    }

    [Fact]
    public void Copies_of_a_caption_share_one_encoding_and_score_bit_for_bit_alike()
    {
        // Copies land in different encoder batches (batch size 3) and different score chunks; they must still agree exactly.
        var texts = bundle.Data.Captions.Take(12).Concat(bundle.Data.Captions.Take(12).Reverse()).ToArray();
        using var runtime = SgrafRuntime.Open(bundle.Directory, new SgrafRuntimeOptions { EncodeBatchSize = 3, MaxScoreChunkElements = 1 });
        var captions = runtime.EncodeCaptions(texts);
        var scores = runtime.Score(bundle.Images, captions);
        foreach (var module in runtime.Modules)
            for (int j = 0; j < 12; j++)
                Assert.Same(captions.Encodings[module].Words[j], captions.Encodings[module].Words[23 - j]);
        for (int i = 0; i < bundle.Images.Count; i++)
            for (int j = 0; j < 12; j++) Assert.Equal(scores[i, j], scores[i, 23 - j]);

        var (distinct, of) = captions.Deduplicate();
        Assert.Equal(12, distinct.Count);
        Assert.Equal([.. Enumerable.Range(0, 12), .. Enumerable.Range(0, 12).Reverse()], of);
        var alone = runtime.Score(bundle.Images, runtime.EncodeCaptions(texts[..12]));
        double worst = Enumerable.Range(0, bundle.Images.Count).SelectMany(i => Enumerable.Range(0, 12).Select(j => Math.Abs(alone[i, j] - scores[i, j]))).Max();
        Assert.True(worst <= 1e-6, $"scores with copies moved by {worst:E2}");
    }

    [Theory]
    [InlineData(1, 1L << 30)]
    [InlineData(3, 1L << 12)]
    public void Scattered_images_score_as_the_same_images_packed(int parallelism, long chunkElements)
    {
        using var runtime = SgrafRuntime.Open(bundle.Directory, new SgrafRuntimeOptions { ScoreParallelism = parallelism, MaxScoreChunkElements = chunkElements });
        // Images from two sets (the fixture's, and its first 7 encoded again), out of order and one twice.
        var second = runtime.EncodeImages(bundle.Data.ImageFeatures.AsSpan(0, 7 * 36 * bundle.Data.ImageDim), 7);
        (ImageEmbeddings, int)[] picked = [(bundle.Images, 13), (second, 2), (bundle.Images, 0), (second, 6), (bundle.Images, 19), (bundle.Images, 13)];
        var packed = ImageEmbeddings.Gather(picked);
        var expected = runtime.Score(packed, bundle.Captions);
        var scattered = runtime.Score(picked, bundle.Captions);
        Assert.Equal((expected.Images, expected.Captions), (scattered.Images, scattered.Captions));
        double worst = expected.Values.Zip(scattered.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-6, $"scattered scores differ from packed ones by {worst:E2}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_calls_own_parallelism_changes_how_the_work_is_split_not_the_scores(int parallelism)
    {
        var expected = bundle.Runtime.Score(bundle.Images, bundle.Captions);
        var split = bundle.Runtime.Score(bundle.Images, bundle.Captions, parallelism);
        double worst = expected.Values.Zip(split.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-6, $"scores with parallelism {parallelism} differ by {worst:E2}");
        Assert.Throws<ArgumentOutOfRangeException>(() => bundle.Runtime.Score(bundle.Images, bundle.Captions, parallelism: 0));
    }

    [Fact]
    public void Images_with_float16_regions_score_exactly_as_their_values_widened_to_float32()
    {
        // What a float16 gallery segment holds: regions as Half, globals as float32.
        var half = new ImageEmbeddings(bundle.Images.Count, bundle.Images.Encodings.ToDictionary(e => e.Key, e =>
            ImageEncoding.WithHalfRegions(e.Value.Regions.ToArray().Select(v => (Half)v).ToArray(), e.Value.Globals, e.Value.EmbedSize)));
        var widened = new ImageEmbeddings(bundle.Images.Count, bundle.Images.Encodings.ToDictionary(e => e.Key, e =>
            new ImageEncoding(e.Value.Regions.ToArray().Select(v => (float)(Half)v).ToArray(), e.Value.Globals, e.Value.EmbedSize)));
        Assert.True(half.Encodings.Values.All(e => e.IsHalf && e.Regions.IsEmpty));
        Assert.Equal(bundle.Runtime.Score(widened, bundle.Captions).Values, bundle.Runtime.Score(half, bundle.Captions).Values);
        (ImageEmbeddings, int)[] picked = [(half, 3), (half, 0), (half, 7)];
        Assert.Equal(bundle.Runtime.Score([(widened, 3), (widened, 0), (widened, 7)], bundle.Captions).Values,
            bundle.Runtime.Score(picked, bundle.Captions).Values);
        Assert.Equal(ImageEmbeddings.Gather([(widened, 5)]).Encodings.Values.Select(e => e.Regions.ToArray()),
            ImageEmbeddings.Gather([(half, 5)]).Encodings.Values.Select(e => e.Regions.ToArray()));
    }
}
