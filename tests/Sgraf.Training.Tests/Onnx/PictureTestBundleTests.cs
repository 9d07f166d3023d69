using Sgraf.Inference.Model;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Onnx;
using Sgraf.Training.Tests.Checkpoints;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// The committed picture test bundle (<see cref="PictureBundle"/>) is what the exporter makes from seeded random
/// weights: rebuilt here, every file (graphs, vocabulary, manifest) is byte for byte the committed one. With
/// SGRAF_WRITE_PICTURE_BUNDLE=1 the test writes it first.
/// </summary>
public sealed class PictureTestBundleTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    static SgrafConfig Config(SimilarityModule module) => new()
    {
        Module = module, VocabSize = 4 + PictureBundle.Words.Length, ImgDim = PictureEncoderGraph.ImgDim, WordDim = 32, EmbedSize = 64, SimDim = 32,
    };

    /// <summary>Seeded uniform weights, with BatchNorm variances made positive, as a trained model's are.</summary>
    static ModelWeights Weights(SgrafConfig config, int seed) =>
        TestWeights.Random(config, seed).With(StateDictPart.ImageEncoder, Positive).With(StateDictPart.Similarity, Positive);

    static void Positive(OrderedDictionary<string, HostTensor> part)
    {
        foreach (var key in part.Keys.Where(k => k.EndsWith("running_var", StringComparison.Ordinal)).ToArray())
            part[key] = HostTensor.FromFloat32(part[key].Shape, [.. part[key].ToFloat32().Select(v => Math.Abs(v) + 0.5f)]);
    }

    static void Export(string bundle, string scratch)
    {
        var vocabulary = Path.Combine(scratch, "vocab.json");
        Vocabulary.Build(PictureBundle.Words).Save(vocabulary);
        BundleExporter.Export(
        [
            new ExportSource(new ModelCheckpoint(Config(SimilarityModule.SGR), Weights(Config(SimilarityModule.SGR), 18)), "random SGR (seed 18)"),
            new ExportSource(new ModelCheckpoint(Config(SimilarityModule.SAF), Weights(Config(SimilarityModule.SAF), 19)), "random SAF (seed 19)"),
        ], vocabulary, bundle, DateTimeOffset.UnixEpoch);
        var manifest = BundleExporter.AddPictureEncoder(bundle, PictureEncoderGraph.Build(PictureEncoderPackage.Locate()));
        // The 64 MB graph is not committed: a bundle without it rebuilds it from the package.
        File.Delete(Path.Combine(bundle, BundleManifest.PictureEncoderFile));
        // Where the weights came from, rather than a path on the machine that exported them.
        (manifest with
        {
            Modules = manifest.Modules.ToDictionary(m => m.Key, m => m.Value with { SourceCheckpoint = $"random weights, {nameof(PictureTestBundleTests)}" }),
        }).Save(Path.Combine(bundle, BundleManifest.FileName));
    }

    [Fact]
    public void The_committed_picture_bundle_is_what_the_exporter_makes()
    {
        if (Environment.GetEnvironmentVariable("SGRAF_WRITE_PICTURE_BUNDLE") == "1")
        {
            foreach (var file in Directory.GetFiles(PictureBundle.Path)) File.Delete(file);
            Export(PictureBundle.Path, work.Path);
        }
        var rebuilt = work.File("bundle");
        Export(rebuilt, work.Path);
        var names = Directory.GetFiles(rebuilt).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(names, Directory.GetFiles(PictureBundle.Path).Select(Path.GetFileName).Order().ToArray());
        foreach (var name in names)
            Assert.True(File.ReadAllBytes(Path.Combine(rebuilt, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(PictureBundle.Path, name!))),
                $"{name} differs from the committed one; rewrite the bundle with SGRAF_WRITE_PICTURE_BUNDLE=1");
        var committed = SgrafBundle.Open(PictureBundle.Path);
        Assert.Equal((512, PictureBundle.Words.Length + 4, 6), (committed.ImgDim, committed.Manifest.Modules["sgr"].VocabSize, committed.Manifest.PictureEncoder!.Grid));
    }
}
