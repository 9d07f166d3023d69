using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;
using Sgraf.Training.Shortlist;
using Sgraf.Training.Tests.Onnx;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Shortlist;

/// <summary>
/// A shortlist head exported into the official fixture's bundle gives, through ONNX Runtime, the vectors the TorchSharp
/// head gives for every fixture image and caption (captions of 3 to 34 tokens), for every pooling and with captions
/// longer than the text tower's sorted-value weights.
/// </summary>
public sealed class ShortlistExportParityTests(OfficialBundle bundle, ITestOutputHelper output) : IClassFixture<OfficialBundle>, IDisposable
{
    const double Tolerance = 1e-5;

    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Theory]
    [InlineData(ShortlistPooling.Gpo, 64)]
    [InlineData(ShortlistPooling.Gpo, 5)]
    [InlineData(ShortlistPooling.Mean, 64)]
    [InlineData(ShortlistPooling.Max, 64)]
    public void The_exported_head_gives_the_TorchSharp_heads_vectors(ShortlistPooling pooling, int textPositions)
    {
        using var head = RandomHead.Create(bundle.Runtime, seed: 11, pooling, textPositions: textPositions);
        var dir = RandomHead.AddTo(bundle.Directory, head, bundle.Runtime, work.File("bundle"));
        using var runtime = SgrafRuntime.Open(dir, new SgrafRuntimeOptions { EncodeBatchSize = 7 });
        Assert.NotNull(runtime.Shortlist);

        var split = EncodedSplit.Encode(runtime, bundle.Data);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (regions, imageGlobals) = split.ImageBatch([.. Enumerable.Range(0, split.ImageCount)]);
        var (words, lengths, captionGlobals) = split.CaptionBatch([.. Enumerable.Range(0, split.CaptionCount)]);
        var imageError = MaxError(head.EncodeImages(regions, imageGlobals), runtime.Shortlist.EncodeImages(split.Images));
        var captionError = MaxError(head.EncodeCaptions(words, lengths, captionGlobals), runtime.Shortlist.EncodeCaptions(split.Captions));
        output.WriteLine($"{pooling}, text positions {textPositions}: max |ONNX − TorchSharp| images {imageError:E2}, captions {captionError:E2}");
        Assert.True(imageError <= Tolerance, $"image vectors differ by {imageError:E3}");
        Assert.True(captionError <= Tolerance, $"caption vectors differ by {captionError:E3}");
    }

    [Fact]
    public void Vectors_are_unit_length_and_do_not_depend_on_what_shares_the_call()
    {
        using var head = RandomHead.Create(bundle.Runtime, seed: 12);
        var dir = RandomHead.AddTo(bundle.Directory, head, bundle.Runtime, work.File("bundle"));
        float[] Captions(int batch)
        {
            using var runtime = SgrafRuntime.Open(dir, new SgrafRuntimeOptions { EncodeBatchSize = batch });
            return runtime.Shortlist!.EncodeCaptions(runtime.EncodeCaptions(bundle.Data.Captions));
        }
        var alone = Captions(1);
        var together = Captions(100);
        double worst = alone.Zip(together, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-6, $"padding to the longest caption moved a vector by {worst:E3}");
        for (int j = 0; j < bundle.Data.CaptionCount; j++)
        {
            double norm = Math.Sqrt(alone.AsSpan(j * 16, 16).ToArray().Sum(v => (double)v * v));
            Assert.InRange(norm, 1 - 1e-5, 1 + 1e-5);
        }
    }

    static double MaxError(Tensor expected, float[] actual)
    {
        var values = expected.contiguous().data<float>().ToArray();
        Assert.Equal(values.Length, actual.Length);
        return values.Zip(actual, (a, b) => float.IsNaN(b) ? double.PositiveInfinity : Math.Abs((double)a - b)).Max();
    }
}
