using Sgraf.Inference;

namespace Sgraf.Training.Training;

/// <summary>
/// Whether this CPU multiplies bfloat16 in hardware (AVX-512 BF16 or AMX, as Linux lists them in /proc/cpuinfo).
/// Elsewhere oneDNN emulates bfloat16 products, slower than float32 ones, so <c>--bfloat16</c> is refused there.
/// </summary>
internal static class BFloat16Support
{
    const string CpuInfo = "/proc/cpuinfo";

    public static bool Available { get; } = File.Exists(CpuInfo) && Detect(File.ReadLines(CpuInfo));

    /// <exception cref="InvalidInputException">bfloat16 products were asked for on a CPU without them.</exception>
    public static void Require(TrainingOptions options)
    {
        if (options.BFloat16 && options.Device == "cpu" && !Available)
            throw new InvalidInputException(
                $"--bfloat16 needs a CPU with AVX-512 BF16 or AMX (neither avx512_bf16 nor amx_bf16 is among the flags in {CpuInfo})");
    }

    /// <param name="cpuInfo">The lines of /proc/cpuinfo.</param>
    internal static bool Detect(IEnumerable<string> cpuInfo)
    {
        var flags = cpuInfo.FirstOrDefault(line => line.StartsWith("flags", StringComparison.Ordinal));
        return flags is not null && flags.Split(' ', ':', '\t').Any(flag => flag is "avx512_bf16" or "amx_bf16");
    }
}
