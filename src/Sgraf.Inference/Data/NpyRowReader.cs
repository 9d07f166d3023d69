using System.Runtime.InteropServices;

namespace Sgraf.Inference.Data;

/// <summary>
/// Reads a float .npy file one row (index of the first axis) at a time as float32, for files too large to load whole,
/// such as a full-size <c>{split}_ims.npy</c> (about 295 KB per image). Converts float16 and float64 as
/// <see cref="NpyReader"/> does. Owns the open file until disposed.
/// </summary>
public sealed class NpyRowReader : IDisposable
{
    readonly FileStream stream;
    readonly string path;
    readonly NpyDtype dtype;
    readonly long dataStart;
    byte[] stored = [];

    NpyRowReader(FileStream stream, string path, NpyHeader header)
    {
        this.stream = stream;
        this.path = path;
        dtype = header.Dtype;
        dataStart = stream.Position;
        Shape = header.Shape;
        RowElements = (int)(header.ElementCount / Math.Max(1, header.Shape[0]));
    }

    public IReadOnlyList<int> Shape { get; }

    public int Rows => Shape[0];

    /// <summary>Elements of one row: the product of every dimension after the first.</summary>
    public int RowElements { get; }

    /// <summary>Rows read so far; the next <see cref="ReadRow"/> returns row <see cref="Position"/>.</summary>
    public int Position { get; private set; }

    /// <summary>
    /// Opens <paramref name="path"/> and checks its header (a float type, <paramref name="expectedShape"/> if given, and that
    /// the file holds all the data) before any row is read.
    /// </summary>
    public static NpyRowReader Open(string path, params ReadOnlySpan<ExpectedDim> expectedShape)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "file not found");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading assumes a little-endian machine");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            var header = NpyHeader.Read(stream, path);
            if (header.Dtype is not (NpyDtype.Float32 or NpyDtype.Float16 or NpyDtype.Float64))
                throw InvalidInputException.InFile(path, $"holds {header.Dtype.Descr()} data but float rows need <f4, <f2 or <f8");
            if (!expectedShape.IsEmpty) header.CheckShape(path, expectedShape);
            if (header.Shape.Count == 0) throw InvalidInputException.InFile(path, "holds a scalar, not rows");
            var available = stream.Length - stream.Position;
            if (available < header.DataBytes)
                throw InvalidInputException.InFile(path,
                    $"truncated: shape {ExpectedDim.Format(header.Shape)} of {header.Dtype.Descr()} needs {header.DataBytes} data bytes but the file has {available}");
            return new NpyRowReader(stream, path, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next row into <paramref name="row"/> (<see cref="RowElements"/> floats).</summary>
    /// <exception cref="InvalidInputException">The row holds a NaN or an infinity (<see cref="FiniteValues"/>).</exception>
    public void ReadRow(Span<float> row)
    {
        if (row.Length != RowElements) throw new ArgumentException($"a row has {RowElements} elements, the span {row.Length}", nameof(row));
        if (Position >= Rows) throw new InvalidOperationException($"{path}: all {Rows} rows have been read");
        switch (dtype)
        {
            case NpyDtype.Float32:
                stream.ReadExactly(MemoryMarshal.AsBytes(row));
                break;
            case NpyDtype.Float16:
                var halves = Stored<Half>();
                for (int i = 0; i < row.Length; i++) row[i] = (float)halves[i];
                break;
            default:
                var doubles = Stored<double>();
                for (int i = 0; i < row.Length; i++) row[i] = (float)doubles[i];
                break;
        }
        FiniteValues.Check(row, path, Shape, (long)Position * RowElements);
        Position++;
    }

    /// <summary>Makes <paramref name="row"/> the next row read.</summary>
    public void Seek(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(row, Rows);
        stream.Position = dataStart + (long)row * RowElements * dtype.ItemSize();
        Position = row;
    }

    /// <summary>The next row as stored, read into a buffer kept between rows.</summary>
    ReadOnlySpan<T> Stored<T>() where T : unmanaged
    {
        int bytes = RowElements * dtype.ItemSize();
        if (stored.Length < bytes) stored = new byte[bytes];
        stream.ReadExactly(stored, 0, bytes);
        return MemoryMarshal.Cast<byte, T>(stored.AsSpan(0, bytes));
    }

    public void Dispose() => stream.Dispose();
}
