using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class BenchImagesTests
{
    [Fact]
    public void Features_are_sent_as_little_endian_float32()
    {
        var bytes = BenchImages.LittleEndianBytes([1.0f, -2.5f]);

        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0 }, bytes);
    }

    [Fact]
    public void An_image_is_36_regions_of_img_dim_non_negative_floats_whose_base64_has_the_service_s_length()
    {
        var regions = BenchImages.Regions(seed: 1, index: 5, imgDim: 2048);
        var base64 = Convert.ToBase64String(BenchImages.LittleEndianBytes(regions));

        Assert.Equal(36 * 2048, regions.Length);
        Assert.All(regions, v => Assert.True(v >= 0 && float.IsFinite(v)));
        // ReLU of a standard normal: about half the values are zero, the rest average √(2/π) ≈ 0.80.
        Assert.InRange(regions.Count(v => v == 0) / (double)regions.Length, 0.48, 0.52);
        Assert.InRange(regions.Where(v => v > 0).Average(), 0.78, 0.82);
        Assert.Equal(36 * 2048 * 4 / 3 * 4, base64.Length);
    }

    [Fact]
    public void Each_image_has_its_own_features_and_makes_them_again_from_its_seed()
    {
        Assert.Equal(BenchImages.Regions(1, 7, 16), BenchImages.Regions(1, 7, 16));
        Assert.NotEqual(BenchImages.Regions(1, 7, 16), BenchImages.Regions(1, 8, 16));
        Assert.NotEqual(BenchImages.Regions(1, 7, 16), BenchImages.Regions(2, 7, 16));
    }

    [Theory]
    [InlineData("bench-000042", true, 42)]
    [InlineData("bench-1234567", true, 1234567)]
    [InlineData("bench-42", false, 0)]
    [InlineData("bench-0000042", false, 0)]
    [InlineData("shapes-test-000042", false, 0)]
    [InlineData("bench-00004x", false, 0)]
    public void Only_ids_that_Id_writes_are_bench_ids(string id, bool isBench, int index)
    {
        Assert.Equal(isBench, BenchImages.TryParseIndex(id, out int parsed));
        if (isBench)
        {
            Assert.Equal(index, parsed);
            Assert.Equal(id, BenchImages.Id(parsed));
        }
    }
}
