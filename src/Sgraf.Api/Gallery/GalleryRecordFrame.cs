using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Sgraf.Api.Gallery;

/// <summary>
/// On-disk framing of one record: magic, payload length, CRC-32 of the payload, payload (all little-endian).
/// Payload: kind byte, then id, metadata (UTF-8) and data, each prefixed by its int32 length.
/// </summary>
internal static class GalleryRecordFrame
{
    public const uint Magic = 0x4C474753; // "SGGL"
    public const int HeaderSize = 12;

    /// <summary>Larger lengths can only come from damage; bounds what a corrupt length field can make us read.</summary>
    public const int MaxPayloadSize = 256 * 1024 * 1024;

    public static byte[] Encode(GalleryRecord record)
    {
        byte[] id = Encoding.UTF8.GetBytes(record.Id);
        byte[] metadata = Encoding.UTF8.GetBytes(record.Metadata);
        int payloadSize = 1 + 4 + id.Length + 4 + metadata.Length + 4 + record.Payload.Length;
        if (payloadSize > MaxPayloadSize)
        {
            throw new ArgumentException($"Record for '{record.Id}' is {payloadSize} bytes; the limit is {MaxPayloadSize}.", nameof(record));
        }

        var frame = new byte[HeaderSize + payloadSize];
        Span<byte> payload = frame.AsSpan(HeaderSize);
        payload[0] = (byte)record.Kind;
        int at = 1;
        at = WriteBlock(payload, at, id);
        at = WriteBlock(payload, at, metadata);
        WriteBlock(payload, at, record.Payload.Span);

        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(0), Magic);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), payloadSize);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), Crc32.HashToUInt32(payload));
        return frame;
    }

    /// <summary>Reads the frame starting at <paramref name="offset"/>; on failure says why and returns null.</summary>
    public static GalleryRecord? TryDecode(ReadOnlySpan<byte> log, long offset, out int frameSize, out string problem)
    {
        frameSize = 0;
        long remaining = log.Length - offset;
        if (remaining < HeaderSize)
        {
            problem = $"short record header: {remaining} of {HeaderSize} bytes";
            return null;
        }

        ReadOnlySpan<byte> header = log.Slice((int)offset, HeaderSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            problem = "bad magic";
            return null;
        }
        int payloadSize = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (payloadSize < 1 + 12 || payloadSize > MaxPayloadSize)
        {
            problem = $"impossible payload length {payloadSize}";
            return null;
        }
        if (remaining - HeaderSize < payloadSize)
        {
            problem = $"short record: {remaining - HeaderSize} of {payloadSize} payload bytes";
            return null;
        }

        ReadOnlySpan<byte> payload = log.Slice((int)offset + HeaderSize, payloadSize);
        if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
        {
            problem = "CRC mismatch";
            return null;
        }

        var kind = (GalleryRecordKind)payload[0];
        int at = 1;
        if (!Enum.IsDefined(kind)
            || !TryReadBlock(payload, ref at, out ReadOnlySpan<byte> id)
            || !TryReadBlock(payload, ref at, out ReadOnlySpan<byte> metadata)
            || !TryReadBlock(payload, ref at, out ReadOnlySpan<byte> data)
            || at != payload.Length)
        {
            problem = "malformed payload";
            return null;
        }

        frameSize = HeaderSize + payloadSize;
        problem = "";
        return new GalleryRecord(kind, Encoding.UTF8.GetString(id), Encoding.UTF8.GetString(metadata), data.ToArray());
    }

    private static int WriteBlock(Span<byte> payload, int at, ReadOnlySpan<byte> block)
    {
        BinaryPrimitives.WriteInt32LittleEndian(payload[at..], block.Length);
        block.CopyTo(payload[(at + 4)..]);
        return at + 4 + block.Length;
    }

    private static bool TryReadBlock(ReadOnlySpan<byte> payload, ref int at, out ReadOnlySpan<byte> block)
    {
        block = default;
        if (payload.Length - at < 4)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(payload[at..]);
        if (length < 0 || length > payload.Length - at - 4)
        {
            return false;
        }
        block = payload.Slice(at + 4, length);
        at += 4 + length;
        return true;
    }
}
