using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Data;

public class NpyRowReaderTests
{
    [Fact]
    public void Rows_of_a_float32_file_are_read_one_at_a_time_and_seek_goes_back()
    {
        using var dir = new TempDirectory();
        var path = dir.File("ims.npy");
        var data = Enumerable.Range(0, 3 * 2 * 4).Select(i => i * 0.5f).ToArray();
        NpyWriter.Write(path, new NpyArray<float>([3, 2, 4], data));

        using var rows = NpyRowReader.Open(path, "N", 2, "d");
        Assert.Equal(3, rows.Rows);
        Assert.Equal(8, rows.RowElements);
        var row = new float[8];
        for (int r = 0; r < 3; r++)
        {
            rows.ReadRow(row);
            Assert.Equal(data[(r * 8)..((r + 1) * 8)], row);
        }
        Assert.Throws<InvalidOperationException>(() => rows.ReadRow(row));
        rows.Seek(1);
        rows.ReadRow(row);
        Assert.Equal(data[8..16], row);
        Assert.Equal(2, rows.Position);
    }

    [Fact]
    public void Rows_stream_from_a_file_larger_than_one_array_which_the_whole_array_reader_refuses()
    {
        // 30,000 full-size images (8.8 GB), as a bulk import reads them: a sparse file, so the test writes only the rows it checks.
        using var dir = new TempDirectory();
        var path = dir.File("big.npy");
        var header = new NpyHeader(NpyDtype.Float32, [30_000, 36, 2048]).ToBytes();
        long rowBytes = 36L * 2048 * sizeof(float);
        using (var file = new FileStream(path, FileMode.Create))
        {
            file.Write(header);
            file.SetLength(header.Length + 30_000 * rowBytes);
            file.Position = header.Length + 29_999 * rowBytes;
            file.Write(BitConverter.GetBytes(7.5f));
        }

        using var rows = NpyRowReader.Open(path, "N", 36, "img_dim");
        Assert.Equal(30_000, rows.Rows);
        var row = new float[36 * 2048];
        rows.Seek(29_999);
        rows.ReadRow(row);
        Assert.Equal(7.5f, row[0]);
        Assert.Contains("more elements than one .NET array can hold", Assert.Throws<InvalidInputException>(() => NpyReader.ReadFloat32(path)).Message);
    }

    [Theory]
    [InlineData("<f2")]
    [InlineData("<f8")]
    public void Float16_and_float64_rows_are_converted_to_float32(string descr)
    {
        using var dir = new TempDirectory();
        var path = dir.File("ims.npy");
        float[] values = [1.5f, -2f, 0.25f, 1024f];
        var bytes = descr == "<f2" ? NpyBytes.Of(values.Select(v => (Half)v).ToArray()) : NpyBytes.Of(values.Select(v => (double)v).ToArray());
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict(descr, "(2, 2)"), bytes));

        using var rows = NpyRowReader.Open(path);
        var row = new float[2];
        rows.ReadRow(row);
        Assert.Equal(values[..2], row);
        rows.ReadRow(row);
        Assert.Equal(values[2..], row);
    }

    [Fact]
    public void A_wrong_shape_type_or_length_is_refused_before_any_row_is_read()
    {
        using var dir = new TempDirectory();
        var path = dir.File("ims.npy");
        NpyWriter.Write(path, new NpyArray<float>([2, 3, 4], new float[24]));
        Assert.Contains("expected shape (N, 36, img_dim)", Assert.Throws<InvalidInputException>(() => NpyRowReader.Open(path, "N", 36, "img_dim")).Message);

        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict("<i4", "(2,)"), NpyBytes.Of(1, 2)));
        Assert.Contains("<i4", Assert.Throws<InvalidInputException>(() => NpyRowReader.Open(path)).Message);

        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Dict("<f4", "(2, 2)"), NpyBytes.Of(1f, 2f, 3f)));
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => NpyRowReader.Open(path)).Message);
    }

    [Fact]
    public void A_row_holding_a_value_that_is_not_finite_is_an_error_naming_the_file_and_row()
    {
        using var dir = new TempDirectory();
        var path = dir.File("ims.npy");
        NpyWriter.Write(path, new NpyArray<float>([3, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, float.PositiveInfinity, 11]));

        using var rows = NpyRowReader.Open(path, "N", 2, "img_dim");
        var row = new float[4];
        rows.ReadRow(row);
        rows.ReadRow(row);
        var error = Assert.Throws<InvalidInputException>(() => rows.ReadRow(row));
        Assert.Equal($"{path}: row 2 holds Infinity at [2][1][0]; features must be finite (no NaN or Infinity)", error.Message);
    }
}
