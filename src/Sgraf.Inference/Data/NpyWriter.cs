using System.Runtime.InteropServices;

namespace Sgraf.Inference.Data;

/// <summary>Writes .npy files that <c>np.load</c> reads back unchanged (format 1.0, little-endian, C order).</summary>
public static class NpyWriter
{
    const int ChunkElements = 1 << 20;

    public static void Write(string path, NpyArray<float> array) => Write(path, array, NpyDtype.Float32);

    /// <summary>float64, the type of the official score matrices (<c>shard_attn_scores</c>).</summary>
    public static void Write(string path, NpyArray<double> array) => Write(path, array, NpyDtype.Float64);

    static void Write<T>(string path, NpyArray<T> array, NpyDtype dtype) where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy writing assumes a little-endian machine");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        stream.Write(new NpyHeader(dtype, array.Shape).ToBytes());
        // In chunks: a span of bytes cannot be longer than int.MaxValue, a large array's data can.
        for (var start = 0; start < array.Data.Length; start += ChunkElements)
            stream.Write(MemoryMarshal.AsBytes(array.Data.AsSpan(start, Math.Min(ChunkElements, array.Data.Length - start))));
    }
}
