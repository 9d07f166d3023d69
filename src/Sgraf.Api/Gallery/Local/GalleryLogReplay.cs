using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// Reads a log image record by record. A bad record with nothing valid after it is a write torn by a
/// crash and is cut; a bad record with valid ones after it is damage to acknowledged data and is fatal.
/// </summary>
internal sealed class GalleryLogReplay
{
    public required GalleryState State { get; init; }

    /// <summary>Null when the log holds no valid header (new, or created by a crash before its first fsync).</summary>
    public string? BundleHash { get; init; }

    public GalleryTailRepair? TailRepair { get; init; }

    /// <summary>
    /// Replays the first <paramref name="length"/> bytes of the log file behind <paramref name="file"/>; the state's
    /// entries read their payloads back with <paramref name="readPayload"/>.
    /// </summary>
    /// <remarks>
    /// Reads record by record at file offsets, never the whole file at once: a gallery log passes 2 GB (one array's
    /// limit) at about 7,000 full-size images.
    /// </remarks>
    public static GalleryLogReplay Run(string path, SafeFileHandle file, long length, Func<long, ReadOnlyMemory<byte>> readPayload)
    {
        var state = new GalleryState(readPayload);
        string? bundleHash = null;
        long offset = 0;
        while (offset < length)
        {
            GalleryRecord? record = TryRead(file, length, offset, out int frameSize, out string problem);
            if (record is null)
            {
                if (ValidRecordFollows(file, length, offset + 1))
                {
                    throw new GalleryLogCorruptException(path, offset, problem);
                }
                var repair = new GalleryTailRepair(offset, length - offset, problem);
                return new GalleryLogReplay { State = state, BundleHash = bundleHash, TailRepair = repair };
            }

            if (bundleHash is null)
            {
                if (record.Kind != GalleryRecordKind.Header)
                {
                    throw new GalleryLogCorruptException(path, offset, $"first record is {record.Kind}, not the header");
                }
                bundleHash = record.Id;
            }
            else if (record.Kind == GalleryRecordKind.Header)
            {
                throw new GalleryLogCorruptException(path, offset, "second header record");
            }
            else
            {
                state.Apply(record, offset);
            }
            offset += frameSize;
        }
        return new GalleryLogReplay { State = state, BundleHash = bundleHash };
    }

    /// <summary>The frame at <paramref name="offset"/>, read from the file; null (and why) when it is not a whole, valid frame.</summary>
    internal static GalleryRecord? TryRead(SafeFileHandle file, long length, long offset, out int frameSize, out string problem)
    {
        var header = new byte[GalleryRecordFrame.HeaderSize];
        int got = RandomAccess.Read(file, header.AsSpan(0, (int)Math.Min(header.Length, length - offset)), offset);
        int payloadSize = got == header.Length ? BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)) : 0;
        if (got < header.Length || payloadSize < 0 || payloadSize > GalleryRecordFrame.MaxPayloadSize
            || BinaryPrimitives.ReadUInt32LittleEndian(header) != GalleryRecordFrame.Magic)
        {
            // Too short, or a header the frame decoder rejects: let it say which.
            return GalleryRecordFrame.TryDecode(header.AsSpan(0, got), 0, out frameSize, out problem);
        }
        var frame = new byte[(int)Math.Min(header.Length + (long)payloadSize, length - offset)];
        header.CopyTo(frame, 0);
        RandomAccess.Read(file, frame.AsSpan(header.Length), offset + header.Length);
        return GalleryRecordFrame.TryDecode(frame, 0, out frameSize, out problem);
    }

    /// <summary>Whether a valid frame starts anywhere from <paramref name="from"/> on: scanned for the magic a block at a time.</summary>
    private static bool ValidRecordFollows(SafeFileHandle file, long length, long from)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, GalleryRecordFrame.Magic);
        var block = new byte[1 << 20];
        for (long start = from; start <= length - GalleryRecordFrame.HeaderSize; start += block.Length - (magic.Length - 1))
        {
            int got = RandomAccess.Read(file, block.AsSpan(0, (int)Math.Min(block.Length, length - start)), start);
            for (int at = 0; at + magic.Length <= got;)
            {
                int found = block.AsSpan(at, got - at).IndexOf(magic);
                if (found < 0) break;
                at += found;
                if (TryRead(file, length, start + at, out _, out _) is not null) return true;
                at++;
            }
        }
        return false;
    }
}
