using Sgraf.Inference.Data;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Data;

public class NpyReaderTests
{
    [Fact]
    public void Reads_the_fixture_image_features()
    {
        var images = NpyReader.ReadFloat32(Path.Combine(OfficialFixture.DataDir, "test_ims.npy"), "N", 36, "D");

        Assert.Equal([20, 36, 64], images.Shape);
        Assert.Equal(20 * 36 * 64, images.Data.Length);
        Assert.All(images.Data, value => Assert.True(float.IsFinite(value)));
    }

    [Theory]
    [InlineData("sims_SGR.npy")]
    [InlineData("sims_SAF.npy")]
    public void Reads_the_fixture_score_matrices_as_float64(string name)
    {
        var sims = NpyReader.ReadFloat64(OfficialFixture.Expected(name), 20, 100);

        Assert.Equal(NpyDtype.Float64, NpyReader.ReadHeader(OfficialFixture.Expected(name)).Dtype);
        Assert.All(sims.Data, score => Assert.InRange(score, -1.0, 1.0));
        // shard_attn_scores computes in float32: every float64 score is exactly a float32 value.
        Assert.All(sims.Data, score => Assert.Equal(score, (double)(float)score));
    }

    [Fact]
    public void Reads_the_ensemble_scores_without_losing_float64_precision()
    {
        var sgr = NpyReader.ReadFloat64(OfficialFixture.Expected("sims_SGR.npy")).Data;
        var saf = NpyReader.ReadFloat64(OfficialFixture.Expected("sims_SAF.npy")).Data;
        var sgraf = NpyReader.ReadFloat64(OfficialFixture.Expected("sims_SGRAF.npy"), 20, 100).Data;

        Assert.Equal(sgr.Zip(saf, (a, b) => (a + b) / 2), sgraf);
    }

    [Fact]
    public void The_sims_column_of_caption_0_is_the_intermediate_sim_i()
    {
        var sims = NpyReader.ReadFloat64(OfficialFixture.Expected("sims_SGR.npy"));
        var simI = NpyReader.ReadFloat32(OfficialFixture.Expected("inter_SGR_cap0_sim_i.npy"), 20, 1);

        for (var image = 0; image < 20; image++) Assert.Equal(sims.Data[image * 100], simI.Data[image]);
    }

    [Theory]
    [InlineData("img_embs_SGR.npy", new[] { 20, 36, 48 })]
    [InlineData("cap_embs_SAF.npy", new[] { 100, 34, 48 })]
    [InlineData("inter_SAF_cap0_cap_ave.npy", new[] { 1, 48 })]
    [InlineData("inter_SAF_cap0_saf_attn.npy", new[] { 20, 1, 12 })]
    [InlineData("inter_SGR_cap0_sgr_step3.npy", new[] { 20, 12, 24 })]
    public void Reads_every_fixture_shape(string name, int[] shape)
    {
        var array = NpyReader.ReadFloat32(OfficialFixture.Expected(name));

        Assert.Equal(shape, array.Shape);
        Assert.Equal(shape.Aggregate(1, (n, d) => n * d), array.Data.Length);
    }

    [Fact]
    public void Reads_every_fixture_file()
    {
        var files = Directory.GetFiles(Path.Combine(OfficialFixture.Root, "expected"), "*.npy");

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.NotEmpty(NpyReader.ReadFloat64(file).Data));
    }

    [Fact]
    public void Converts_float16_to_float32_and_float64()
    {
        using var dir = new TempDirectory();
        var path = dir.File("half.npy");
        Half[] values = [(Half)1.5f, (Half)(-0.25f), Half.MaxValue, (Half)0.1f];
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict("<f2", "(2, 2)"), NpyBytes.Of(values)));

        Assert.Equal(values.Select(v => (float)v), NpyReader.ReadFloat32(path, 2, 2).Data);
        Assert.Equal(values.Select(v => (double)v), NpyReader.ReadFloat64(path).Data);
        Assert.Equal(65504f, NpyReader.ReadFloat32(path).Data[2]);
    }

    [Fact]
    public void Rounds_float64_to_float32()
    {
        using var dir = new TempDirectory();
        var path = dir.File("double.npy");
        double[] values = [0.1, 1e300, -2.5];
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict("<f8", "(3,)"), NpyBytes.Of(values)));

        Assert.Equal([0.1f, float.PositiveInfinity, -2.5f], NpyReader.ReadFloat32(path).Data);
    }

    [Fact]
    public void Reads_integers_and_rejects_int64_values_outside_int32()
    {
        using var dir = new TempDirectory();
        var small = dir.File("small.npy");
        var large = dir.File("large.npy");
        File.WriteAllBytes(small, NpyBytes.Build(NpyBytes.Dict("<i4", "(3,)"), NpyBytes.Of(1, -2, 3)));
        File.WriteAllBytes(large, NpyBytes.Build(NpyBytes.Dict("<i8", "(2,)"), NpyBytes.Of(7L, 1L << 40)));

        Assert.Equal([1L, -2L, 3L], NpyReader.ReadInt64(small).Data);
        Assert.Equal([1, -2, 3], NpyReader.ReadInt32(small, 3).Data);
        Assert.Equal([7L, 1L << 40], NpyReader.ReadInt64(large).Data);
        var error = Assert.Throws<InvalidInputException>(() => NpyReader.ReadInt32(large));
        Assert.Contains(large, error.Message);
        Assert.Contains("element 1", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_format_versions_2_and_3(int major)
    {
        using var dir = new TempDirectory();
        var path = dir.File("v.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict("<f4", "(2,)"), NpyBytes.Of(1f, 2f), major));

        Assert.Equal([1f, 2f], NpyReader.ReadFloat32(path).Data);
    }

    [Theory]
    [InlineData("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}")]
    [InlineData("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L,)}")]
    public void Accepts_any_key_order_quotes_and_python2_long_dimensions(string dict)
    {
        using var dir = new TempDirectory();
        var path = dir.File("p.npy");
        File.WriteAllBytes(path, NpyBytes.Build(dict, NpyBytes.Of(1f, 2f)));

        Assert.Equal([2], NpyReader.ReadFloat32(path).Shape);
    }

    [Fact]
    public void Reads_a_scalar_and_an_empty_array()
    {
        using var dir = new TempDirectory();
        var scalar = dir.File("scalar.npy");
        var empty = dir.File("empty.npy");
        File.WriteAllBytes(scalar, NpyBytes.Build(NpyBytes.Dict("<f4", "()"), NpyBytes.Of(3f)));
        File.WriteAllBytes(empty, NpyBytes.Build(NpyBytes.Dict("<f4", "(0, 36, 64)"), []));

        Assert.Equal([3f], NpyReader.ReadFloat32(scalar).Data);
        Assert.Empty(NpyReader.ReadFloat32(empty, "N", 36, "D").Data);
    }
}
