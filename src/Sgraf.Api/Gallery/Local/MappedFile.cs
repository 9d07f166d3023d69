using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// A read-only memory map of a sealed segment file, handing out float blocks of it as <see cref="Memory{T}"/> that the
/// scorer reads in place: the pages come from the page cache on demand, so a gallery larger than RAM still serves.
/// The mapping lives as long as any block handed out (each holds the map), and is released by the GC after that;
/// a compacted segment's file can be deleted while old searches still read it (Linux keeps mapped pages of an
/// unlinked file).
/// </summary>
/// <remarks>Hand-written because .NET exposes a view only as a pointer or accessor, not as Memory&lt;T&gt;.</remarks>
public sealed unsafe class MappedFile : IDisposable
{
    readonly MemoryMappedFile map;
    readonly MemoryMappedViewAccessor view;
    readonly byte* start;

    MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        this.map = map;
        this.view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = pointer + view.PointerOffset;
        Length = (long)view.SafeMemoryMappedViewHandle.ByteLength - view.PointerOffset;
    }

    public long Length { get; }

    public static MappedFile Open(string path)
    {
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            return new MappedFile(map, map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read));
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary><paramref name="count"/> values from byte <paramref name="offset"/> (aligned to their size), read in place.</summary>
    public ReadOnlyMemory<T> Values<T>(long offset, int count) where T : unmanaged
    {
        if (offset < 0 || offset % sizeof(T) != 0 || count < 0 || offset + (long)count * sizeof(T) > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{count} {typeof(T).Name} values at byte {offset} do not lie inside the {Length}-byte mapping");
        return new Block<T>(this, (T*)(start + offset), count).Memory;
    }

    /// <summary>Bytes <paramref name="offset"/> … + <paramref name="count"/>, copied out.</summary>
    public byte[] Bytes(long offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{count} bytes at {offset} do not lie inside the {Length}-byte mapping");
        return new ReadOnlySpan<byte>(start + offset, count).ToArray();
    }

    int released;

    /// <summary>Unmaps now; only for a file none of whose blocks is in use any more.</summary>
    public void Dispose()
    {
        ReleasePointer();
        view.Dispose();
        map.Dispose();
        GC.SuppressFinalize(this);
    }

    // The usual end: no block is reachable any more. The view's own SafeHandle unmaps once our reference is gone.
    ~MappedFile() => ReleasePointer();

    void ReleasePointer()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) view.SafeMemoryMappedViewHandle.ReleasePointer();
    }

    // A MemoryManager is how a pointer becomes Memory<T>; it holds the file, so the mapping outlives every block.
    sealed class Block<T>(MappedFile file, T* pointer, int length) : MemoryManager<T> where T : unmanaged
    {
        public override Span<T> GetSpan() => new(pointer, length);

        // Mapped pages never move: nothing to pin.
        public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex, default, this);

        public override void Unpin() => GC.KeepAlive(file);

        protected override void Dispose(bool disposing) { }
    }
}
