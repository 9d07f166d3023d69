using System.Diagnostics;
namespace Sgraf.Training.Training;
internal static class PhaseClock
{
    static readonly bool On = Environment.GetEnvironmentVariable("SGRAF_PROFILE") == "1";
    static TimeSpan cpu; static Stopwatch wall = Stopwatch.StartNew();
    public static void Start() { if (!On) return; cpu = Process.GetCurrentProcess().TotalProcessorTime; wall.Restart(); }
    public static void Mark(string name)
    {
        if (!On) return;
        var now = Process.GetCurrentProcess().TotalProcessorTime;
        Console.Error.WriteLine($"  [{name}] cpu {(now - cpu).TotalSeconds:0.00} s wall {wall.Elapsed.TotalSeconds:0.00} s");
        cpu = now; wall.Restart();
    }
}
