using System.Runtime.InteropServices;

namespace Sgraf.Inference.Data;

/// <summary>
/// Writes a float32 .npy file one row (index of the first axis) at a time, for arrays written as they are computed
/// (<c>{split}_ims.npy</c> from <c>sgraf extract-features</c>). The shape is declared up front; <see cref="Complete"/>
/// checks that every row came. Owns the open file until disposed.
/// </summary>
public sealed class NpyRowWriter : IDisposable
{
    readonly FileStream stream;
    readonly int rows;

    NpyRowWriter(FileStream stream, int rows, int rowElements)
    {
        this.stream = stream;
        this.rows = rows;
        RowElements = rowElements;
    }

    public int RowElements { get; }

    /// <summary>Rows written so far.</summary>
    public int Position { get; private set; }

    public static NpyRowWriter Create(string path, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (shape.Length == 0 || shape.Any(d => d < 0)) throw new ArgumentException("a shape of one or more sizes ≥ 0", nameof(shape));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing assumes a little-endian machine");
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        stream.Write(new NpyHeader(NpyDtype.Float32, shape).ToBytes());
        return new NpyRowWriter(stream, shape[0], shape.Skip(1).Aggregate(1, (a, d) => checked(a * d)));
    }

    /// <summary>Appends whole rows: a multiple of <see cref="RowElements"/> floats.</summary>
    public void Append(ReadOnlySpan<float> values)
    {
        if (values.Length % RowElements != 0)
            throw new ArgumentException($"{values.Length} floats are not whole rows of {RowElements}", nameof(values));
        int count = values.Length / RowElements;
        if (Position + count > rows) throw new InvalidOperationException($"the array has {rows} rows; {Position + count} written");
        stream.Write(MemoryMarshal.AsBytes(values));
        Position += count;
    }

    /// <summary>Flushes the file to disk once every declared row is written.</summary>
    public void Complete()
    {
        if (Position != rows) throw new InvalidOperationException($"the array has {rows} rows; only {Position} written");
        stream.Flush(flushToDisk: true);
    }

    public void Dispose() => stream.Dispose();
}
