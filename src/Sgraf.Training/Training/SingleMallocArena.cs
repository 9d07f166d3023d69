using System.Runtime.InteropServices;

namespace Sgraf.Training.Training;

/// <summary>
/// Restarts a training command with glibc's malloc limited to one arena (<c>MALLOC_ARENA_MAX=1</c>). glibc gives new
/// threads arenas of their own, and such an arena unmaps a heap the moment it empties: the step's worker threads
/// (<see cref="TorchWorkers"/>) allocate and free tensors of tens of MiB, so their memory was page-faulted in again
/// every step. Measured on the 2-core VM (SGR at the official sizes, two threads, four runs of four steps): 0.49–1.50 M
/// minor page faults and 3.5–12.1 s of system time per run, 17.7–31.6 captions/s from run to run; with one arena
/// 0.34–0.47 M faults (mostly the first touch of the heap), 2.6–4.1 s and 29.2–30.7 captions/s. The main arena keeps
/// freed memory (<see cref="NativeAllocator"/>). glibc fixes the number of arenas when the runtime's own threads first
/// allocate, before any of our code runs, so <c>mallopt</c> is too late: the process replaces itself (execve: same
/// process id, arguments and standard streams) with the variable set. Hand-written because no package sets malloc's
/// environment for its own process.
/// </summary>
internal static class SingleMallocArena
{
    public const string Variable = "MALLOC_ARENA_MAX";

    /// <summary>The commands that run training steps on worker threads.</summary>
    static readonly string[] TrainingCommands = ["train", "bench-train", "train-shortlist"];

    /// <summary>
    /// For a training command on Linux with <see cref="Variable"/> unset, replaces this process with itself with the
    /// variable set to 1, and does not return. A value already set (by the user, or by that restart) is kept as it is;
    /// where the restart cannot be made the command runs on as it would have.
    /// </summary>
    public static void RestartWithOneArena(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0 || !TrainingCommands.Contains(args[0])
            || Environment.GetEnvironmentVariable(Variable) is not null)
            return;
        string[] argv;
        try
        {
            // The exact command line the process was started with (the host, its options, the program and its arguments).
            argv = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(entry => $"{entry.Key}={entry.Value}").Append($"{Variable}=1");
        Execve("/proc/self/exe", [.. argv, null], [.. environment, null]);
        // Only reached if execve failed: the command runs in this process, as before.
    }

    // DllImport, not LibraryImport: string arrays marshal without generated code (null-terminated char* arrays).
    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    static extern int Execve(string path, string?[] argv, string?[] envp);
}
