using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sgraf.Training.Checkpoints;

/// <summary>
/// A dense CPU tensor read from or written to a checkpoint, independent of TorchSharp: a dtype, a shape and
/// the elements in row-major (C-contiguous) order as little-endian bytes. Immutable once built.
/// </summary>
public sealed class HostTensor
{
    readonly long[] shape;
    readonly byte[] data;

    /// <param name="data">Row-major little-endian elements; owned by the tensor from now on (not copied).</param>
    public HostTensor(TensorDType dtype, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Any(d => d < 0)) throw new ArgumentException($"negative dimension in shape {FormatShape(shape)}", nameof(shape));
        DType = dtype;
        this.shape = (long[])shape.Clone();
        ElementCount = CountElements(shape);
        if (data.LongLength != ElementCount * dtype.ElementSize())
            throw new ArgumentException(
                $"{data.LongLength} bytes do not hold {ElementCount} {dtype} elements of shape {FormatShape(shape)}", nameof(data));
        this.data = data;
    }

    public TensorDType DType { get; }

    /// <summary>The dimensions (a copy; a scalar has none).</summary>
    public long[] Shape => (long[])shape.Clone();

    public int Rank => shape.Length;
    public long ElementCount { get; }

    /// <summary>The raw little-endian elements, row-major.</summary>
    public ReadOnlySpan<byte> Bytes => data;

    public static HostTensor FromFloat32(long[] shape, float[] values) =>
        new(TensorDType.Float32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static HostTensor FromInt64(long[] shape, long[] values) =>
        new(TensorDType.Int64, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>The elements as float32, converting from any dtype (f64 and integers round to nearest).</summary>
    public float[] ToFloat32()
    {
        var result = new float[ElementCount];
        ReadOnlySpan<byte> bytes = data;
        switch (DType)
        {
            case TensorDType.Float32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                break;
            case TensorDType.BFloat16:
                for (var i = 0; i < result.Length; i++)
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            case TensorDType.Float16:
                for (var i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            default:
                var wide = ToFloat64();
                for (var i = 0; i < result.Length; i++) result[i] = (float)wide[i];
                break;
        }
        return result;
    }

    /// <summary>The elements as float64, converting from any dtype.</summary>
    public double[] ToFloat64()
    {
        if (DType == TensorDType.Float64) return MemoryMarshal.Cast<byte, double>(data.AsSpan()).ToArray();
        if (DType.IsFloatingPoint()) return Array.ConvertAll(ToFloat32(), v => (double)v);
        return Array.ConvertAll(ToInt64(), v => (double)v);
    }

    /// <summary>The elements as int64; only for integer and bool tensors.</summary>
    public long[] ToInt64()
    {
        var result = new long[ElementCount];
        ReadOnlySpan<byte> bytes = data;
        switch (DType)
        {
            case TensorDType.Int64: MemoryMarshal.Cast<byte, long>(bytes).CopyTo(result); break;
            case TensorDType.Int32: Widen(MemoryMarshal.Cast<byte, int>(bytes), result); break;
            case TensorDType.Int16: Widen(MemoryMarshal.Cast<byte, short>(bytes), result); break;
            case TensorDType.Int8: Widen(MemoryMarshal.Cast<byte, sbyte>(bytes), result); break;
            case TensorDType.UInt8 or TensorDType.Bool: Widen(bytes, result); break;
            default: throw new InvalidOperationException($"a {DType} tensor cannot be read as int64 without rounding");
        }
        return result;
    }

    /// <summary>Same dtype, same shape and the same bytes.</summary>
    public bool ContentEquals(HostTensor other) =>
        DType == other.DType && shape.AsSpan().SequenceEqual(other.shape) && Bytes.SequenceEqual(other.Bytes);

    public override string ToString() => $"{DType}{FormatShape(shape)}";

    public static string FormatShape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    internal static long CountElements(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        return count;
    }

    static void Widen<T>(ReadOnlySpan<T> source, long[] target) where T : System.Numerics.IBinaryInteger<T>
    {
        for (var i = 0; i < target.Length; i++) target[i] = long.CreateTruncating(source[i]);
    }
}
