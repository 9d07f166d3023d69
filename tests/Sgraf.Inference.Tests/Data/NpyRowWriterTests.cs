using Sgraf.Inference.Data;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Data;

/// <summary>The streamed .npy writer: rows appended as they come read back as one array; a missing row is an error.</summary>
public sealed class NpyRowWriterTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public void Rows_appended_in_pieces_read_back_as_the_whole_array()
    {
        var path = work.File("rows.npy");
        var values = Enumerable.Range(0, 3 * 2 * 4).Select(i => i * 0.5f - 3).ToArray();
        using (var writer = NpyRowWriter.Create(path, 3, 2, 4))
        {
            writer.Append(values.AsSpan(0, 8));
            writer.Append(values.AsSpan(8, 16));
            Assert.Throws<InvalidOperationException>(() => writer.Append(values.AsSpan(0, 8)));
            writer.Complete();
        }
        var read = NpyReader.ReadFloat32(path);
        Assert.Equal([3, 2, 4], read.Shape);
        Assert.Equal(values, read.Data);
    }

    [Fact]
    public void Partial_rows_and_missing_rows_are_refused()
    {
        using var writer = NpyRowWriter.Create(work.File("rows.npy"), 2, 3);
        Assert.Throws<ArgumentException>(() => writer.Append(new float[4]));
        writer.Append(new float[3]);
        Assert.Throws<InvalidOperationException>(writer.Complete);
    }
}
