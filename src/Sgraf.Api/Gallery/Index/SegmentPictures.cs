using Microsoft.Win32.SafeHandles;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// Where an image segment keeps its items' pictures (the JPEG copies of <see cref="EncodedImage.Picture"/>): never on
/// the heap, where 1,024 of them would hold a hundred megabytes for as long as the segment lives. A segment in memory
/// writes them to a scratch file (<see cref="ScratchPictures"/>); a sealed one reads them from its mapped file
/// (<see cref="MappedPictures"/>). Either way they come from the page cache. A slot without a picture reads as empty.
/// </summary>
public abstract class SegmentPictures
{
    /// <summary>The picture of <paramref name="slot"/>; empty when the item has none.</summary>
    public abstract ReadOnlyMemory<byte> Read(int slot);

    /// <summary>The length of the picture of <paramref name="slot"/>; 0 when the item has none.</summary>
    public abstract int Length(int slot);
}

/// <summary>
/// The pictures of a segment still in memory, appended to a scratch file in <paramref name="directory"/> (made at the
/// first picture) that is unlinked as soon as it is open: nothing is left behind by a crash, and its disk space goes
/// when the segment does (the handle is closed by its finalizer, since searches may still be reading a replaced segment).
/// The file is not fsync'ed: the gallery's log holds the pictures durably, and a restart rebuilds this segment from it.
/// </summary>
/// <remarks>One writer (the index's) appends; readers of published slots read concurrently, each with its own pread.</remarks>
internal sealed class ScratchPictures(string directory, int capacity) : SegmentPictures
{
    readonly long[] offsets = new long[capacity];
    readonly int[] lengths = new int[capacity];
    SafeFileHandle? file;
    long end;

    /// <summary>Writer: stores the picture of <paramref name="slot"/> (nothing for an empty one).</summary>
    public void Write(int slot, ReadOnlySpan<byte> picture)
    {
        if (picture.IsEmpty) return;
        file ??= Open(directory);
        RandomAccess.Write(file, picture, end);
        (offsets[slot], lengths[slot]) = (end, picture.Length);
        end += picture.Length;
    }

    public override int Length(int slot) => lengths[slot];

    public override ReadOnlyMemory<byte> Read(int slot)
    {
        if (lengths[slot] == 0) return ReadOnlyMemory<byte>.Empty;
        var picture = new byte[lengths[slot]];
        int read = RandomAccess.Read(file!, picture, offsets[slot]);
        if (read != picture.Length) throw new IOException($"the scratch file of a gallery segment gave {read} of {picture.Length} bytes of slot {slot}'s picture");
        return picture;
    }

    static SafeFileHandle Open(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"pictures-{Guid.NewGuid():N}.scratch");
        // DeleteOnClose for systems that cannot unlink an open file; on Linux it is gone from the directory at once.
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.DeleteOnClose);
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Deleted when the handle is closed instead.
        }
        return handle;
    }
}

/// <summary>
/// The pictures of a sealed segment: its file's pictures block, the items' pictures one after another in slot order
/// (each item's length is in the segment header), read in place from the mapping.
/// </summary>
internal sealed class MappedPictures : SegmentPictures
{
    readonly ReadOnlyMemory<byte> block;
    readonly long[] offsets;
    readonly int[] lengths;

    /// <exception cref="InvalidDataException">The lengths do not add up to the block; the message names the file.</exception>
    public MappedPictures(ReadOnlyMemory<byte> block, IReadOnlyList<int?> lengths, string path)
    {
        this.block = block;
        this.lengths = [.. lengths.Select(l => l ?? 0)];
        offsets = new long[lengths.Count];
        long at = 0;
        for (int slot = 0; slot < lengths.Count; slot++)
        {
            if (this.lengths[slot] < 0) throw new InvalidDataException($"segment file {path} gives slot {slot} a picture of {this.lengths[slot]} bytes");
            offsets[slot] = at;
            at += this.lengths[slot];
        }
        if (at != block.Length)
            throw new InvalidDataException($"segment file {path} has a {block.Length}-byte pictures block, but its items' pictures take {at} bytes");
    }

    public override int Length(int slot) => lengths[slot];

    public override ReadOnlyMemory<byte> Read(int slot) => block.Slice((int)offsets[slot], lengths[slot]);
}
