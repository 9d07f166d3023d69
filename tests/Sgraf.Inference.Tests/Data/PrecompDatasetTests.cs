using System.Text.Json;
using Sgraf.Inference.Data;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Data;

public class PrecompDatasetTests
{
    [Fact]
    public void Loads_the_fixture()
    {
        var data = PrecompDataset.Load(OfficialFixture.DataDir, "test", expectedImgDim: 64);

        Assert.Equal(20, data.ImageCount);
        Assert.Equal(100, data.CaptionCount);
        Assert.Equal(64, data.ImageDim);
        Assert.Equal(5, data.CaptionsPerImage);
        Assert.Equal(20 * 36 * 64, data.ImageFeatures.Length);
        Assert.Equal(36 * 64, data.Image(19).Length);
        Assert.Equal("A man riding a horse on the grass .", data.Captions[0]);
    }

    [Fact]
    public void Image_features_are_the_npy_file_image_by_image()
    {
        var data = PrecompDataset.Load(OfficialFixture.DataDir, "test");
        var npy = NpyReader.ReadFloat32(Path.Combine(OfficialFixture.DataDir, "test_ims.npy"));

        Assert.Equal(npy.Data.AsSpan(7 * 36 * 64, 36 * 64).ToArray(), data.Image(7).ToArray());
    }

    [Fact]
    public void Captions_and_their_images_match_the_official_loader()
    {
        var data = PrecompDataset.Load(OfficialFixture.DataDir, "test");
        using var tokens = JsonDocument.Parse(File.ReadAllText(OfficialFixture.Expected("tokens.json")));

        var expected = tokens.RootElement.EnumerateArray().ToArray();
        Assert.Equal(expected.Length, data.CaptionCount);
        foreach (var caption in expected)
        {
            var index = caption.GetProperty("index").GetInt32();
            Assert.Equal(caption.GetProperty("line_after_strip_utf8").GetString(), data.Captions[index]);
            Assert.Equal(caption.GetProperty("image").GetInt32(), data.ImageOf(index));
        }
    }

    [Fact]
    public void Crlf_caption_file()
    {
        using var dir = Write(images: 1, captions: "a\r\nb\r\nc\r\nd\r\ne\r\n");

        Assert.Equal(["a", "b", "c", "d", "e"], PrecompDataset.Load(dir.Path, "test").Captions);
    }

    [Fact]
    public void One_caption_per_image_is_accepted()
    {
        using var dir = Write(images: 3, captions: "a\nb\nc\n");
        var data = PrecompDataset.Load(dir.Path, "test");

        Assert.Equal(1, data.CaptionsPerImage);
        Assert.Equal(2, data.ImageOf(2));
    }

    [Fact]
    public void Caption_count_not_five_per_image_names_both_files_and_counts()
    {
        using var dir = Write(images: 2, captions: string.Concat(Enumerable.Repeat("a dog\n", 9)));

        var error = Assert.Throws<InvalidInputException>(() => PrecompDataset.Load(dir.Path, "test"));

        Assert.Contains(dir.File("test_caps.txt") + " has 9 captions", error.Message);
        Assert.Contains(dir.File("test_ims.npy") + " has 2 images", error.Message);
        Assert.Contains("expected 10 captions", error.Message);
    }

    [Fact]
    public void Wrong_region_count()
    {
        using var dir = Write(images: 2, captions: "", regions: 35);

        var error = Assert.Throws<InvalidInputException>(() => PrecompDataset.Load(dir.Path, "test"));

        Assert.Equal($"{dir.File("test_ims.npy")}: expected shape (N, 36, img_dim) but found (2, 35, 4)", error.Message);
    }

    [Fact]
    public void Image_dimension_other_than_the_model_expects()
    {
        var error = Assert.Throws<InvalidInputException>(() => PrecompDataset.Load(OfficialFixture.DataDir, "test", expectedImgDim: 2048));

        Assert.EndsWith("model expects img_dim 2048 but test_ims.npy has 64", error.Message);
    }

    [Fact]
    public void Float16_features_load_as_float32()
    {
        using var dir = new TempDirectory();
        var values = Enumerable.Range(0, 36 * 2).Select(i => (Half)(i / 8f)).ToArray();
        File.WriteAllBytes(dir.File("test_ims.npy"), NpyBytes.Build(NpyBytes.Dict("<f2", "(1, 36, 2)"), NpyBytes.Of(values)));
        File.WriteAllText(dir.File("test_caps.txt"), "a\nb\nc\nd\ne\n");

        var data = PrecompDataset.Load(dir.Path, "test");

        Assert.Equal(values.Select(v => (float)v), data.ImageFeatures);
    }

    /// <summary>A NaN in one image's features changed sgraf evaluate's metrics (rsum 132 to 120) without a word.</summary>
    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void A_feature_that_is_not_finite_is_an_error_naming_the_file_and_row(float bad, string shown)
    {
        using var dir = Write(3, "a\nb\nc\n");
        var features = new float[3 * 36 * 4];
        features[2 * 36 * 4 + 5 * 4 + 3] = bad;
        NpyWriter.Write(dir.File("test_ims.npy"), new NpyArray<float>([3, 36, 4], features));

        var error = Assert.Throws<InvalidInputException>(() => PrecompDataset.Load(dir.Path, "test"));

        Assert.Equal($"{dir.File("test_ims.npy")}: row 2 holds {shown} at [2][5][3]; features must be finite (no NaN or Infinity)", error.Message);
    }

    [Fact]
    public void Missing_split_names_the_file()
    {
        var error = Assert.Throws<InvalidInputException>(() => PrecompDataset.Load(OfficialFixture.DataDir, "dev"));

        Assert.Equal($"{Path.Combine(OfficialFixture.DataDir, "dev_ims.npy")}: file not found", error.Message);
    }

    static TempDirectory Write(int images, string captions, int regions = 36)
    {
        var dir = new TempDirectory();
        NpyWriter.Write(dir.File("test_ims.npy"), new NpyArray<float>([images, regions, 4], new float[images * regions * 4]));
        File.WriteAllText(dir.File("test_caps.txt"), captions);
        return dir;
    }
}
