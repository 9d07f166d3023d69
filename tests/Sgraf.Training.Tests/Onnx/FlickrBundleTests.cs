using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>
/// The shipped Flickr8k model (models/flickr8k-bundle, models/flickr8k-{sgr,saf}): the bundle comes without its 64 MB
/// picture encoder, which is rebuilt from the package as a fresh clone rebuilds it; real photos go through it, and the
/// bundle's SGRAF scores of photo captions equal the committed checkpoints' TorchSharp scores.
/// </summary>
public sealed class FlickrBundleTests : IDisposable
{
    static readonly string[] Captions =
    [
        "A cat is lying on a blanket .",
        "A man in a red shirt climbs a rock .",
        "A cup of coffee on a table .",
        "A rocket is launched into the sky .",
    ];

    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public void The_shipped_Flickr8k_bundle_encodes_photos_and_scores_like_the_shipped_checkpoints()
    {
        var source = Path.Combine(RepositoryPaths.Models, "flickr8k-bundle");
        var bundle = work.File("bundle");
        Directory.CreateDirectory(bundle);
        foreach (var file in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != BundleManifest.PictureEncoderFile))
            File.Copy(file, Path.Combine(bundle, Path.GetFileName(file)));

        using var runtime = SgrafRuntime.Open(bundle);
        Assert.Equal([SimilarityModule.SGR, SimilarityModule.SAF], runtime.Modules.OrderBy(m => m));
        string[] photos = [SamplePhotos.Chelsea, SamplePhotos.Astronaut, SamplePhotos.Coffee, SamplePhotos.Rocket];
        float[] features;
        using (var encoder = PictureEncoder.Open(SgrafBundle.Open(bundle)))
        {
            Assert.Equal(runtime.Bundle.ImgDim, encoder.ImgDim);
            var pixels = new byte[photos.Length * encoder.InputBytes];
            for (int i = 0; i < photos.Length; i++)
                PictureInput.Write(File.ReadAllBytes(photos[i]), PictureLimits.Default, encoder.InputSize, pixels.AsSpan(i * encoder.InputBytes, encoder.InputBytes));
            features = encoder.Encode(pixels, photos.Length);
        }
        Assert.Equal(photos.Length * SgrafConfig.Regions * runtime.Bundle.ImgDim, features.Length);
        Assert.All(features, v => Assert.True(float.IsFinite(v)));

        var data = work.File("photos_precomp");
        Directory.CreateDirectory(data);
        NpyWriter.Write(Path.Combine(data, "test_ims.npy"), new NpyArray<float>([photos.Length, SgrafConfig.Regions, runtime.Bundle.ImgDim], features));
        File.WriteAllLines(Path.Combine(data, "test_caps.txt"), Captions);
        var dataset = PrecompDataset.Load(data, "test", runtime.Bundle.ImgDim);
        var onnx = runtime.Score(runtime.EncodeImages(dataset.ImageFeatures, dataset.ImageCount), runtime.EncodeCaptions(Captions));

        var vocabulary = Vocabulary.Load(Path.Combine(bundle, "vocab.json"));
        var ids = Captions.Select(c => CaptionTokenizer.Encode(c, vocabulary)).ToArray();
        CheckpointParity.AssertScoresLike(onnx, ["flickr8k-sgr", "flickr8k-saf"], dataset, ids);
        Assert.All(onnx.Values, v => Assert.InRange(v, -1.0, 1.0));
    }
}
