using System.Buffers.Binary;
using System.Text;

namespace Sgraf.Inference.Data;

/// <summary>
/// What the header of a .npy file (format versions 1.0, 2.0, 3.0) says: the element type and the shape.
/// Only headers Sgraf can read are represented: little-endian, C order, at most <see cref="Array.MaxLength"/> elements.
/// </summary>
public sealed record NpyHeader(NpyDtype Dtype, IReadOnlyList<int> Shape)
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public long ElementCount => Shape.Aggregate(1L, (count, dim) => count * dim);

    public long DataBytes => ElementCount * Dtype.ItemSize();

    /// <summary>Throws <see cref="InvalidInputException"/> ("expected shape (N, 36, D) but found (20, 35, 64)") on a mismatch.</summary>
    public void CheckShape(string path, params ReadOnlySpan<ExpectedDim> expected)
    {
        if (!ExpectedDim.Matches(expected, Shape))
            throw InvalidInputException.InFile(path,
                $"expected shape {ExpectedDim.Format(expected.ToArray())} but found {ExpectedDim.Format(Shape)}");
    }

    /// <summary>Reads the header at the start of <paramref name="stream"/>, leaving the stream at the data.</summary>
    public static NpyHeader Read(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (stream.ReadAtLeast(prefix[..10], 10, throwOnEndOfStream: false) < 10 || !prefix[..6].SequenceEqual(Magic))
            throw InvalidInputException.InFile(path, "not a .npy file (it does not start with \\x93NUMPY)");
        var major = prefix[6];
        if (major is not (1 or 2 or 3))
            throw InvalidInputException.InFile(path, $".npy format version {major}.{prefix[7]} is not supported (1.0, 2.0 and 3.0 are)");
        int length;
        if (major == 1) length = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
        else
        {
            if (stream.ReadAtLeast(prefix[10..12], 2, throwOnEndOfStream: false) < 2)
                throw InvalidInputException.InFile(path, "truncated .npy header");
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
            length = declared <= 1 << 20 ? (int)declared
                : throw InvalidInputException.InFile(path, $".npy header claims {declared} bytes, which no numpy writes");
        }
        var text = new byte[length];
        if (stream.ReadAtLeast(text, length, throwOnEndOfStream: false) < length)
            throw InvalidInputException.InFile(path, "truncated .npy header");
        // Version 3.0 exists only to allow UTF-8 field names; 1.0 and 2.0 headers are latin-1.
        var encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        return Parse(encoding.GetString(text), path);
    }

    static NpyHeader Parse(string text, string path)
    {
        var fields = NpyHeaderLiteral.ParseDict(text, path);
        var expectedKeys = new[] { "descr", "fortran_order", "shape" };
        if (fields.Count != expectedKeys.Length || !expectedKeys.All(fields.ContainsKey))
            throw InvalidInputException.InFile(path, $".npy header must have exactly the keys descr, fortran_order, shape: {text.Trim()}");

        if (fields["descr"] is not string descr)
            throw InvalidInputException.InFile(path, $"structured dtypes are not supported: {text.Trim()}");
        var dtype = NpyDtypes.FromDescr(descr, out var problem);
        if (problem is not null) throw InvalidInputException.InFile(path, problem);

        if (fields["fortran_order"] is not bool fortranOrder)
            throw InvalidInputException.InFile(path, $"fortran_order must be True or False: {text.Trim()}");
        if (fortranOrder)
            throw InvalidInputException.InFile(path, "Fortran-order arrays are not supported; save with np.ascontiguousarray(arr)");

        if (fields["shape"] is not long[] dims)
            throw InvalidInputException.InFile(path, $"shape must be a tuple of integers: {text.Trim()}");
        // Whole-array readers also need the count to fit one .NET array (NpyReader); a row reader streams any size.
        long count = 1;
        foreach (var dim in dims)
        {
            if (dim < 0) throw InvalidInputException.InFile(path, $"negative dimension in shape {ExpectedDim.Format(dims)}");
            count = dim <= int.MaxValue && (dim == 0 || count <= long.MaxValue / 8 / dim) ? count * dim
                : throw InvalidInputException.InFile(path, $"shape {ExpectedDim.Format(dims)} has more elements than a file can hold");
        }
        return new NpyHeader(dtype, [.. dims.Select(dim => (int)dim)]);
    }

    /// <summary>The header text numpy would write, padded with spaces and a newline so the data is 64-byte aligned.</summary>
    public byte[] ToBytes()
    {
        var dict = $"{{'descr': '{Dtype.Descr()}', 'fortran_order': False, 'shape': {ExpectedDim.Format(Shape)}, }}";
        var major = dict.Length + 1 + 10 > ushort.MaxValue ? 2 : 1;
        var prefixLength = major == 1 ? 10 : 12;
        var padded = dict.PadRight((prefixLength + dict.Length + 1 + 63) / 64 * 64 - prefixLength - 1) + "\n";
        var bytes = new byte[prefixLength + padded.Length];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)major;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)padded.Length);
        Encoding.Latin1.GetBytes(padded, bytes.AsSpan(prefixLength));
        return bytes;
    }
}
