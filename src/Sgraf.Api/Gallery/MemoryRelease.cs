using System.Runtime.InteropServices;

namespace Sgraf.Api.Gallery;

/// <summary>
/// Hands memory that a burst of gallery work needed back to the operating system once the burst is over. Adds
/// parse large request bodies and run the encoders on them: afterwards the GC keeps the heap it grew committed for
/// later allocations, and glibc keeps the native memory ONNX Runtime freed in its per-thread arenas. Together that was
/// about 800 MB of RSS after uploading a few thousand images, against about 100 MB the gallery needed. Nothing is
/// lost by returning it: the next burst asks for it again. Called after start-up (replay and sealing) and, through
/// <see cref="AfterChange"/>, when changes or large request bodies (Routing/LargeBodyRelease.cs: refused ones too) have
/// stopped for <see cref="QuietPeriod"/>.
/// </summary>
public sealed partial class MemoryRelease : IDisposable
{
    /// <summary>How long after the last change the memory is released: long enough to span an upload's requests.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    readonly Timer timer;
    int quietReleases;

    public MemoryRelease() => timer = new(_ => { Now(); Interlocked.Increment(ref quietReleases); }, null, Timeout.Infinite, Timeout.Infinite);

    /// <summary>How many times changes or large requests stopped and memory was released.</summary>
    public int QuietReleases => Volatile.Read(ref quietReleases);

    /// <summary>(Re)starts the quiet-period countdown: the release runs once changes (or large request bodies) stop.</summary>
    public void AfterChange() => timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);

    /// <summary>A blocking, compacting collection that decommits what it frees, then glibc's trim of every arena.</summary>
    public static void Now()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                MallocTrim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc (e.g. musl in Alpine images): no trim to ask for; the GC's part still happened.
            }
        }
    }

    // glibc's malloc_trim: no .NET API asks the C allocator to return free pages (NativeMemory has none).
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    public void Dispose() => timer.Dispose();
}
