using System.Runtime.InteropServices;

namespace Sgraf.Training.Training;

/// <summary>
/// Keeps the memory of freed tensors inside the process. A training step allocates and frees tensors of up to
/// 32 MiB many times over; glibc's malloc serves large blocks with fresh mmaps and hands freed memory back to the
/// kernel, so every such tensor is page-faulted in again, a page at a time: a third of the CPU time of scoring a
/// group of pairs (measured once while building this step, not recorded). With blocks up to 32 MiB taken from the
/// heap and the heap never trimmed, freed blocks are reused as they are. glibc only (mallopt); elsewhere nothing changes.
/// </summary>
internal static class NativeAllocator
{
    const int TrimThreshold = -1;    // M_TRIM_THRESHOLD
    const int MmapThreshold = -3;    // M_MMAP_THRESHOLD

    /// <summary>glibc's largest mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX): the most that can come from the heap.</summary>
    const int LargestHeapBlock = 32 << 20;

    static int applied;

    /// <summary>Applies the settings once per process; later calls do nothing.</summary>
    public static void KeepFreedMemory()
    {
        if (Interlocked.Exchange(ref applied, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            Mallopt(MmapThreshold, LargestHeapBlock);
            Mallopt(TrimThreshold, int.MaxValue);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator keeps its own policy.
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling code, and LibraryImport would need unsafe code enabled.
    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);
}
