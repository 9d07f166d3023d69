using Sgraf.TestSupport;
using Sgraf.Inference.Data;

namespace Sgraf.Inference.Tests.Data;

public class NpyWriterTests
{
    [Fact]
    public void Float32_round_trip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("f4.npy");
        var written = new NpyArray<float>([2, 3], [1f, -2.5f, float.Epsilon, float.MaxValue, 0f, -0f]);

        NpyWriter.Write(path, written);
        var read = NpyReader.ReadFloat32(path, 2, 3);

        Assert.Equal(NpyDtype.Float32, NpyReader.ReadHeader(path).Dtype);
        Assert.Equal(written.Shape, read.Shape);
        Assert.Equal(written.Data, read.Data);
    }

    [Fact]
    public void Float64_round_trip_keeps_every_bit()
    {
        using var dir = new TempDirectory();
        var path = dir.File("f8.npy");
        var written = new NpyArray<double>([3], [0.1, Math.PI, double.NaN]);

        NpyWriter.Write(path, written);
        var read = NpyReader.ReadFloat64(path);

        Assert.Equal(NpyDtype.Float64, NpyReader.ReadHeader(path).Dtype);
        Assert.Equal(written.Data.Select(BitConverter.DoubleToInt64Bits), read.Data.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Writes_the_header_numpy_writes()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sims.npy");

        NpyWriter.Write(path, new NpyArray<double>([20, 100], new double[2000]));
        var bytes = File.ReadAllBytes(path);

        // np.save(path, np.zeros((20, 100))) writes these 128 header bytes, data 64-byte aligned.
        var header = System.Text.Encoding.Latin1.GetString(bytes, 10, 118);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, bytes[..10]);
        Assert.Equal("{'descr': '<f8', 'fortran_order': False, 'shape': (20, 100), }".PadRight(117) + "\n", header);
        Assert.Equal(128 + 2000 * 8, bytes.Length);
    }

    [Fact]
    public void Writes_one_dimensional_shapes_as_python_tuples()
    {
        using var dir = new TempDirectory();
        var path = dir.File("v.npy");

        NpyWriter.Write(path, new NpyArray<float>([2], [1f, 2f]));

        Assert.Contains("'shape': (2,), }", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Matches_the_fixture_file_byte_for_byte()
    {
        var fixture = Sgraf.TestSupport.OfficialFixture.Expected("sims_SAF.npy");
        using var dir = new TempDirectory();
        var path = dir.File("copy.npy");

        NpyWriter.Write(path, NpyReader.ReadFloat64(fixture));

        Assert.Equal(File.ReadAllBytes(fixture), File.ReadAllBytes(path));
    }
}
