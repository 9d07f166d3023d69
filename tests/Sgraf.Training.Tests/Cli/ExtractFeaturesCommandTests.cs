using Sgraf.Inference.Data;
using Sgraf.Inference.Pictures;

namespace Sgraf.Training.Tests.Cli;

/// <summary>
/// <c>sgraf extract-features</c> on a few real photos, through the real tool: the official precomp layout, and
/// features bit for bit those of the library path the service takes (<see cref="PictureInput"/>, <see cref="PictureEncoder"/>).
/// </summary>
public sealed class ExtractFeaturesCommandTests : IDisposable
{
    readonly TempDirectory work = new();
    readonly string pictures, captions, splits;

    static readonly string[] Train = ["rocket.jpg", "chelsea.png"];
    static readonly string[] Test = ["coffee.png"];

    public ExtractFeaturesCommandTests()
    {
        pictures = Directory.CreateDirectory(work.File("pictures")).FullName;
        foreach (var photo in new[] { SamplePhotos.Rocket, SamplePhotos.Chelsea, SamplePhotos.Coffee })
            File.Copy(photo, Path.Combine(pictures, Path.GetFileName(photo)));
        // Captions out of order within a photo, and Flickr8k's orphan id, whose photo does not exist.
        var lines = new List<string>();
        foreach (var photo in Train.Concat(Test))
            foreach (var n in new[] { 3, 0, 4, 1, 2 }) lines.Add($"{photo}#{n}\tcaption {n} of {photo}");
        lines.Add("2258277193_586949ec62.jpg.1#0\tpeople waiting for the subway");
        captions = work.File("Flickr8k.token.txt");
        File.WriteAllLines(captions, lines);
        splits = Directory.CreateDirectory(work.File("splits")).FullName;
        File.WriteAllLines(Path.Combine(splits, "Flickr_8k.trainImages.txt"), Train);
        File.WriteAllLines(Path.Combine(splits, "Flickr_8k.testImages.txt"), Test);
    }

    public void Dispose() => work.Dispose();

    ToolProcess.Result Extract(string outDir) => ToolProcess.Run("sgraf", "extract-features", "--pictures", pictures, "--captions", captions,
        "--splits", splits, "--picture-encoder", "resnet18", "--out", outDir);

    [Fact]
    public void Writes_the_precomp_layout_with_the_features_the_service_computes()
    {
        var outDir = work.File("precomp");
        var result = Extract(outDir);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2258277193_586949ec62.jpg.1", result.StandardError);
        Assert.Contains("photos/s", result.StandardOutput);
        Assert.Equal(["test_caps.txt", "test_ids.txt", "test_ims.npy", "train_caps.txt", "train_ids.txt", "train_ims.npy"],
            Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        using var encoder = PictureEncoder.FromPackage();
        foreach (var (split, photos) in new[] { ("train", Train), ("test", Test) })
        {
            Assert.Equal(photos, File.ReadAllLines(Path.Combine(outDir, $"{split}_ids.txt")));
            Assert.Equal(photos.SelectMany(p => Enumerable.Range(0, 5).Select(n => $"caption {n} of {p}")),
                File.ReadAllLines(Path.Combine(outDir, $"{split}_caps.txt")));
            var features = NpyReader.ReadFloat32(Path.Combine(outDir, $"{split}_ims.npy"));
            Assert.Equal([photos.Length, 36, 512], features.Shape);
            for (int p = 0; p < photos.Length; p++)
            {
                var pixels = new byte[encoder.InputBytes];
                PictureInput.Write(File.ReadAllBytes(Path.Combine(pictures, photos[p])), PictureLimits.Default, encoder.InputSize, pixels);
                Assert.Equal(encoder.Encode(pixels, 1), features.Data.AsSpan(p * encoder.FeatureCount, encoder.FeatureCount).ToArray());
            }
        }
    }

    [Fact]
    public void A_listed_photo_that_is_missing_is_refused_before_anything_is_written()
    {
        File.Delete(Path.Combine(pictures, "coffee.png"));
        var outDir = work.File("precomp");
        ToolProcess.AssertCleanFailure(Extract(outDir), "coffee.png", "test split");
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_truncated_photo_fails_its_split_naming_the_file_and_leaves_no_partial_files()
    {
        var chelsea = Path.Combine(pictures, "chelsea.png");
        var bytes = File.ReadAllBytes(chelsea);
        File.WriteAllBytes(chelsea, bytes[..(bytes.Length / 2)]);
        var outDir = work.File("precomp");
        ToolProcess.AssertCleanFailure(Extract(outDir), chelsea, "truncated");
        Assert.Empty(Directory.GetFiles(outDir));
    }
}
