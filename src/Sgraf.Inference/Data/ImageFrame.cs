using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Sgraf.Inference.Model;

namespace Sgraf.Inference.Data;

/// <summary>
/// One image in the binary body of the service's <c>POST /images/import</c>, frames back to back with nothing between:
/// <list type="number">
/// <item>4 bytes <c>SGIF</c> (53 47 49 46: the uint32 0x53474946 stored big-endian, so a hex dump shows the name),</item>
/// <item>int32 id length in bytes, then the id as UTF-8,</item>
/// <item>int32 metadata length in bytes, then a JSON object as UTF-8 (length 0: no metadata),</item>
/// <item>36 × img_dim float32 region features, region by region.</item>
/// </list>
/// Lengths and floats are little-endian. The features' length is not sent: the service knows its bundle's img_dim.
/// </summary>
public static class ImageFrame
{
    public static ReadOnlySpan<byte> Magic => "SGIF"u8;

    /// <summary>Bytes of the magic and of each length field.</summary>
    public const int FieldBytes = 4;

    /// <summary>Longest id in bytes: 256 characters (the service's limit) of up to 4 UTF-8 bytes each.</summary>
    public const int MaxIdBytes = 1024;

    /// <summary>Bytes of one image's features.</summary>
    public static int FeatureBytes(int imgDim) => checked(SgrafConfig.Regions * imgDim * sizeof(float));

    /// <summary>Bytes of a whole frame.</summary>
    public static int Size(int idBytes, int metadataBytes, int imgDim) => checked(3 * FieldBytes + idBytes + metadataBytes + FeatureBytes(imgDim));

    /// <summary>Writes one frame at the start of <paramref name="destination"/> and returns its size.</summary>
    /// <param name="metadata">A JSON object as UTF-8, or empty for none.</param>
    /// <param name="features">36 × img_dim floats.</param>
    public static int Write(Span<byte> destination, string id, ReadOnlySpan<byte> metadata, ReadOnlySpan<float> features)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (features.Length == 0 || features.Length % SgrafConfig.Regions != 0)
            throw new ArgumentException($"features must be 36 regions × img_dim floats, got {features.Length}", nameof(features));
        int idBytes = Encoding.UTF8.GetByteCount(id);
        int size = Size(idBytes, metadata.Length, features.Length / SgrafConfig.Regions);
        if (destination.Length < size)
            throw new ArgumentException($"the frame needs {size} bytes, the destination holds {destination.Length}", nameof(destination));

        Magic.CopyTo(destination);
        var rest = destination[FieldBytes..];
        BinaryPrimitives.WriteInt32LittleEndian(rest, idBytes);
        rest = rest[(FieldBytes + Encoding.UTF8.GetBytes(id, rest[FieldBytes..]))..];
        BinaryPrimitives.WriteInt32LittleEndian(rest, metadata.Length);
        metadata.CopyTo(rest[FieldBytes..]);
        rest = rest[(FieldBytes + metadata.Length)..];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(features).CopyTo(rest);
        else for (int i = 0; i < features.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(rest[(i * sizeof(float))..], features[i]);
        return size;
    }
}
