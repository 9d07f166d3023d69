using System.Numerics;
using System.Runtime.InteropServices;

namespace Sgraf.Inference.Data;

/// <summary>
/// Reads .npy files as numpy's <c>np.save</c> writes them. Each method accepts the stored types that convert to
/// its element type (float16 and float64 to float32, as the official loader's <c>torch.Tensor(...)</c> does) and
/// throws <see cref="InvalidInputException"/> naming the file for anything else. Passing an expected shape checks it
/// before the data is read, so a wrong 1.5 GB file fails at once.
/// </summary>
public static class NpyReader
{
    // Elements converted per read: large enough to stream at disk speed, small enough to keep the buffer modest.
    const int ChunkElements = 1 << 20;

    static readonly NpyDtype[] Floats = [NpyDtype.Float32, NpyDtype.Float16, NpyDtype.Float64];
    static readonly NpyDtype[] Integers = [NpyDtype.Int64, NpyDtype.Int32];

    public static NpyHeader ReadHeader(string path)
    {
        using var stream = Open(path);
        return NpyHeader.Read(stream, path);
    }

    /// <summary>float32, float16 or float64 data as float32 (float64 rounded to nearest).</summary>
    public static NpyArray<float> ReadFloat32(string path) => Read<float>(path, Floats, []);

    /// <inheritdoc cref="ReadFloat32(string)"/>
    public static NpyArray<float> ReadFloat32(string path, params ReadOnlySpan<ExpectedDim> expectedShape) =>
        Read<float>(path, Floats, expectedShape, checkShape: true);

    /// <summary>float64, float32 or float16 data as float64, losing nothing.</summary>
    public static NpyArray<double> ReadFloat64(string path) => Read<double>(path, Floats, []);

    /// <inheritdoc cref="ReadFloat64(string)"/>
    public static NpyArray<double> ReadFloat64(string path, params ReadOnlySpan<ExpectedDim> expectedShape) =>
        Read<double>(path, Floats, expectedShape, checkShape: true);

    /// <summary>int64 or int32 data as int64.</summary>
    public static NpyArray<long> ReadInt64(string path) => Read<long>(path, Integers, []);

    /// <inheritdoc cref="ReadInt64(string)"/>
    public static NpyArray<long> ReadInt64(string path, params ReadOnlySpan<ExpectedDim> expectedShape) =>
        Read<long>(path, Integers, expectedShape, checkShape: true);

    /// <summary>int32 or int64 data as int32; an int64 value outside the int32 range is an error.</summary>
    public static NpyArray<int> ReadInt32(string path) => Read<int>(path, Integers, []);

    /// <inheritdoc cref="ReadInt32(string)"/>
    public static NpyArray<int> ReadInt32(string path, params ReadOnlySpan<ExpectedDim> expectedShape) =>
        Read<int>(path, Integers, expectedShape, checkShape: true);

    static NpyArray<T> Read<T>(string path, NpyDtype[] accepted, ReadOnlySpan<ExpectedDim> expectedShape, bool checkShape = false)
        where T : unmanaged, INumberBase<T>
    {
        using var stream = Open(path);
        var header = NpyHeader.Read(stream, path);
        if (header.ElementCount > Array.MaxLength)
            throw InvalidInputException.InFile(path, $"shape {ExpectedDim.Format(header.Shape)} has more elements than one .NET array can hold "
                + $"({Array.MaxLength}); read it a row at a time (NpyRowReader)");
        if (!accepted.Contains(header.Dtype))
            throw InvalidInputException.InFile(path,
                $"holds {header.Dtype.Descr()} data but {typeof(T).Name} needs one of {string.Join(", ", accepted.Select(d => d.Descr()))}");
        if (checkShape) header.CheckShape(path, expectedShape);
        var available = stream.Length - stream.Position;
        if (available < header.DataBytes)
            throw InvalidInputException.InFile(path,
                $"truncated: shape {ExpectedDim.Format(header.Shape)} of {header.Dtype.Descr()} needs {header.DataBytes} data bytes but the file has {available}");

        var data = new T[header.ElementCount];
        switch (header.Dtype)
        {
            case NpyDtype.Float16: ReadInto<Half, T>(stream, data, path); break;
            case NpyDtype.Float32: ReadInto<float, T>(stream, data, path); break;
            case NpyDtype.Float64: ReadInto<double, T>(stream, data, path); break;
            case NpyDtype.Int32: ReadInto<int, T>(stream, data, path); break;
            case NpyDtype.Int64: ReadInto<long, T>(stream, data, path); break;
        }
        return new NpyArray<T>(header.Shape, data);
    }

    static void ReadInto<TStored, T>(Stream stream, T[] data, string path)
        where TStored : unmanaged, INumberBase<TStored>
        where T : unmanaged, INumberBase<T>
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading assumes a little-endian machine");
        if (typeof(TStored) == typeof(T))
        {
            for (var start = 0; start < data.Length; start += ChunkElements)
                stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan(start, Math.Min(ChunkElements, data.Length - start))));
            return;
        }
        var buffer = new TStored[Math.Min(ChunkElements, data.Length)];
        for (var start = 0; start < data.Length; start += buffer.Length)
        {
            var stored = buffer.AsSpan(0, Math.Min(buffer.Length, data.Length - start));
            stream.ReadExactly(MemoryMarshal.AsBytes(stored));
            var target = data.AsSpan(start, stored.Length);
            var i = 0;
            try
            {
                // Float narrowing rounds (to infinity if need be); only integer narrowing can overflow.
                for (; i < stored.Length; i++) target[i] = T.CreateChecked(stored[i]);
            }
            catch (OverflowException)
            {
                throw InvalidInputException.InFile(path, $"element {start + i} ({stored[i]}) does not fit {typeof(T).Name}");
            }
        }
    }

    static FileStream Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "file not found");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
    }
}
