using Sgraf.TestSupport;
using Sgraf.Inference.Data;

namespace Sgraf.Inference.Tests.Data;

public class NpyReaderErrorTests
{
    static InvalidInputException ReadBytes(byte[] bytes, Func<string, object> read)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.npy");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidInputException>(() => read(path));
        Assert.StartsWith(path + ": ", error.Message);
        return error;
    }

    static InvalidInputException ReadFloat32(byte[] bytes) => ReadBytes(bytes, path => NpyReader.ReadFloat32(path));

    [Fact]
    public void Truncated_data()
    {
        var error = ReadFloat32(NpyBytes.Build(NpyBytes.Dict("<f4", "(2, 3)"), NpyBytes.Of(1f, 2f, 3f)));

        Assert.Contains("truncated", error.Message);
        Assert.Contains("24 data bytes but the file has 12", error.Message);
    }

    [Fact]
    public void Truncated_header()
    {
        var whole = NpyBytes.Build(NpyBytes.Dict("<f4", "(2,)"), NpyBytes.Of(1f, 2f));

        Assert.Contains("truncated .npy header", ReadFloat32(whole[..30]).Message);
    }

    [Fact]
    public void Bad_magic()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f4", "(2,)"), NpyBytes.Of(1f, 2f));
        bytes[1] = (byte)'X';

        Assert.Contains("not a .npy file", ReadFloat32(bytes).Message);
        Assert.Contains("not a .npy file", ReadFloat32("hello"u8.ToArray()).Message);
    }

    [Fact]
    public void Fortran_order()
    {
        var error = ReadFloat32(NpyBytes.Build(NpyBytes.Dict("<f4", "(1, 2)", fortranOrder: "True"), NpyBytes.Of(1f, 2f)));

        Assert.Contains("Fortran-order", error.Message);
    }

    [Theory]
    [InlineData(">f4", "big-endian")]
    [InlineData(">f8", "big-endian")]
    [InlineData("|O", "object arrays")]
    [InlineData("<c8", "unsupported dtype '<c8'")]
    [InlineData("<U5", "unsupported dtype '<U5'")]
    public void Unsupported_dtypes(string descr, string expected)
    {
        var error = ReadFloat32(NpyBytes.Build(NpyBytes.Dict(descr, "(2,)"), new byte[64]));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Structured_dtype()
    {
        var dict = "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (2,), }";

        Assert.Contains("structured dtypes", ReadFloat32(NpyBytes.Build(dict, new byte[16])).Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "exactly the keys")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': True, }", "exactly the keys")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", "cannot parse")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "negative dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk", "cannot parse")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", "cannot parse")]
    public void Malformed_headers(string dict, string expected)
    {
        Assert.Contains(expected, ReadFloat32(NpyBytes.Build(dict, NpyBytes.Of(1f, 2f))).Message);
    }

    [Fact]
    public void More_elements_than_an_array_can_hold()
    {
        var error = ReadFloat32(NpyBytes.Build(NpyBytes.Dict("<f4", "(5000, 36, 2048, 10)"), []));

        Assert.Contains("more elements than one .NET array can hold", error.Message);
    }

    [Fact]
    public void Wrong_shape_against_the_expected_one()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f4", "(2, 35, 4)"), new byte[2 * 35 * 4 * 4]);

        var error = ReadBytes(bytes, path => NpyReader.ReadFloat32(path, "N", 36, "D"));

        Assert.EndsWith("bad.npy: expected shape (N, 36, D) but found (2, 35, 4)", error.Message);
    }

    [Fact]
    public void Wrong_rank_and_disagreeing_named_dimensions()
    {
        var bytes = NpyBytes.Build(NpyBytes.Dict("<f8", "(2, 3)"), new byte[48]);

        Assert.Contains("expected shape (N, 36, D) but found (2, 3)", ReadBytes(bytes, path => NpyReader.ReadFloat64(path, "N", 36, "D")).Message);
        Assert.Contains("expected shape (N, N) but found (2, 3)", ReadBytes(bytes, path => NpyReader.ReadFloat64(path, "N", "N")).Message);
    }

    [Fact]
    public void Integers_where_floats_are_wanted()
    {
        var error = ReadFloat32(NpyBytes.Build(NpyBytes.Dict("<i8", "(2,)"), NpyBytes.Of(1L, 2L)));

        Assert.Contains("holds <i8 data", error.Message);
    }

    [Fact]
    public void Missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "sgraf-no-such-file.npy");

        Assert.Equal($"{path}: file not found", Assert.Throws<InvalidInputException>(() => NpyReader.ReadFloat32(path)).Message);
    }
}
