using System.Buffers.Binary;

namespace Sgraf.Api.Gallery;

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

    public static GalleryLogReplay Run(string path, byte[] log)
    {
        var state = new GalleryState();
        string? bundleHash = null;
        long offset = 0;
        while (offset < log.Length)
        {
            GalleryRecord? record = GalleryRecordFrame.TryDecode(log, offset, out int frameSize, out string problem);
            if (record is null)
            {
                if (ValidRecordFollows(log, offset + 1))
                {
                    throw new GalleryLogCorruptException(path, offset, problem);
                }
                var repair = new GalleryTailRepair(offset, log.Length - offset, problem);
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
                state.Apply(record);
            }
            offset += frameSize;
        }
        return new GalleryLogReplay { State = state, BundleHash = bundleHash };
    }

    private static bool ValidRecordFollows(byte[] log, long from)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, GalleryRecordFrame.Magic);
        for (long at = from; at <= log.Length - GalleryRecordFrame.HeaderSize; at++)
        {
            int found = log.AsSpan((int)at).IndexOf(magic);
            if (found < 0)
            {
                return false;
            }
            at += found;
            if (GalleryRecordFrame.TryDecode(log, at, out _, out _) is not null)
            {
                return true;
            }
        }
        return false;
    }
}
