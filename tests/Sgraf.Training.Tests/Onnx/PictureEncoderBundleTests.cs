using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Onnx;
using Sgraf.Training.Tests.Checkpoints;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// A bundle's picture encoder: added by <c>sgraf export-onnx --picture-encoder resnet18</c>, checked at load against the
/// models' img_dim and its recorded SHA-256, and rebuilt exactly from its package when the bundle comes without the file.
/// </summary>
public sealed class PictureEncoderBundleTests : IDisposable
{
    /// <summary>Built once for the tests that add it in-process: parsing the 64 MB package takes seconds.</summary>
    static readonly Lazy<BuiltPictureEncoder> Built = new(() => PictureEncoderGraph.Build(PictureEncoderPackage.Locate()));

    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    /// <summary>A small random SGR bundle whose models take ResNet-18's 512 features per region.</summary>
    string ExportBundle()
    {
        var config = TestWeights.Small() with { ImgDim = PictureEncoderGraph.ImgDim };
        var vocabulary = work.File("vocab.json");
        Vocabulary.Build(Enumerable.Range(0, config.VocabSize - 4).Select(i => $"w{i}")).Save(vocabulary);
        var bundle = work.File("bundle");
        BundleExporter.Export([new ExportSource(new ModelCheckpoint(config, TestWeights.Random(config)), "random model")], vocabulary, bundle, DateTimeOffset.UtcNow);
        return bundle;
    }

    static float[] Features(PictureEncoder encoder)
    {
        var pixels = new byte[encoder.InputBytes];
        PictureInput.Write(File.ReadAllBytes(SamplePhotos.Chelsea), PictureLimits.Default, encoder.InputSize, pixels);
        return encoder.Encode(pixels, 1);
    }

    [Fact]
    public void Export_onnx_adds_the_encoder_and_a_bundle_without_the_file_rebuilds_it_exactly()
    {
        var bundle = ExportBundle();
        var result = ToolProcess.Run("sgraf", "export-onnx", "--picture-encoder", "resnet18", "--out", bundle);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("picture encoder picture_encoder.onnx", result.StandardOutput);

        var opened = SgrafBundle.Open(bundle);
        var description = opened.Manifest.PictureEncoder!;
        Assert.Equal((224, 6, 512, "pictures", "regions"), (description.InputSize, description.Grid, description.ImgDim, description.Input, description.Output));
        Assert.Equal((PictureEncoderPackage.Id, PictureEncoderPackage.Version), (description.Source.Package, description.Source.Version));
        Assert.Equal(PictureEncoderPackage.Locate().SourceHashes(), description.Source.Files);
        Assert.Equal(new FileInfo(opened.PathOf(description.File)).Length, description.Size);

        float[] fromFile;
        using (var encoder = PictureEncoder.Open(opened)) fromFile = Features(encoder);
        File.Delete(opened.PathOf(description.File));
        var withoutFile = SgrafBundle.Open(bundle);
        using (var rebuilt = PictureEncoder.Open(withoutFile))
        {
            Assert.Equal(description with { Source = rebuilt.Description.Source }, rebuilt.Description);
            Assert.Equal(description.Source.Files, rebuilt.Description.Source.Files);
            Assert.Equal(fromFile, Features(rebuilt));
        }
        Assert.Equal(opened.EmbeddingsHash, withoutFile.EmbeddingsHash);
    }

    [Fact]
    public void A_picture_encoder_file_that_is_not_the_recorded_one_is_refused_at_load()
    {
        var bundle = ExportBundle();
        BundleExporter.AddPictureEncoder(bundle, Built.Value);
        var path = Path.Combine(bundle, BundleManifest.PictureEncoderFile);
        var bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var refused = Assert.Throws<InvalidInputException>(() => SgrafBundle.Open(bundle));
        Assert.Contains(BundleManifest.PictureEncoderFile, refused.Message);
        Assert.Contains("SHA-256", refused.Message);
    }

    [Fact]
    public void A_manifest_whose_encoder_does_not_fit_the_models_or_cannot_be_rebuilt_is_refused()
    {
        var bundle = ExportBundle();
        BundleExporter.AddPictureEncoder(bundle, Built.Value);
        var manifestPath = Path.Combine(bundle, BundleManifest.FileName);
        var original = File.ReadAllText(manifestPath);

        var manifest = JsonNode.Parse(original)!;
        manifest["picture_encoder"]!["img_dim"] = 2048;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var misfit = Assert.Throws<InvalidInputException>(() => SgrafBundle.Open(bundle));
        Assert.Contains("picture encoder gives 2048 features per region but the bundle's models take img_dim 512", misfit.Message);

        manifest = JsonNode.Parse(original)!;
        manifest["picture_encoder"]!["sha256"] = new string('0', 64);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        File.Delete(Path.Combine(bundle, BundleManifest.PictureEncoderFile));
        var differs = Assert.Throws<InvalidInputException>(() => PictureEncoder.Open(SgrafBundle.Open(bundle)));
        Assert.Contains("not the manifest's " + new string('0', 64), differs.Message);
        Assert.Contains("sgraf export-onnx --picture-encoder resnet18", differs.Message);
    }

    [Fact]
    public void A_bundle_without_a_picture_encoder_says_how_to_add_one()
    {
        var refused = Assert.Throws<InvalidInputException>(() => PictureEncoder.Open(SgrafBundle.Open(ExportBundle())));
        Assert.Contains("has no picture encoder", refused.Message);
        Assert.Contains("sgraf export-onnx --picture-encoder resnet18", refused.Message);
    }

    [Fact]
    public void Export_onnx_refuses_a_picture_encoder_for_models_of_another_img_dim_and_changes_nothing()
    {
        var bundle = work.File("shapes");
        Directory.CreateDirectory(bundle);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Models, "shapes-bundle")))
            File.Copy(file, Path.Combine(bundle, Path.GetFileName(file)));
        var manifest = File.ReadAllBytes(Path.Combine(bundle, BundleManifest.FileName));
        var result = ToolProcess.Run("sgraf", "export-onnx", "--picture-encoder", "resnet18", "--out", bundle);
        ToolProcess.AssertCleanFailure(result, "img_dim 2048", "512");
        Assert.Equal(manifest, File.ReadAllBytes(Path.Combine(bundle, BundleManifest.FileName)));
        Assert.False(File.Exists(Path.Combine(bundle, BundleManifest.PictureEncoderFile)));
    }
}
