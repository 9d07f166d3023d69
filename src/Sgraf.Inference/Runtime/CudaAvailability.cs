using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// Whether CUDA can run the sessions here, learnt once per process: ONNX Runtime's build has the CUDA provider, the
/// provider's library loads (every CUDA library it links is found), and sessions start on the device (a GPU is there and
/// the driver is new enough). What fails is said in words, the missing library named from ONNX Runtime's load error.
/// </summary>
internal static partial class CudaAvailability
{
    const string ProviderName = "CUDAExecutionProvider";
    const string ProbeRegistration = "sgraf-cuda-probe";

    static readonly Lazy<string?> providerProblem = new(FindProviderProblem);
    static readonly ConcurrentDictionary<int, string> deviceProblems = new();

    /// <summary>Where to run for <paramref name="request"/>: CUDA only where nothing is known to stop it.</summary>
    public static DeviceChoice Choose(DeviceRequest request, int deviceId)
    {
        if (request == DeviceRequest.Cpu) return new DeviceChoice(ExecutionDevice.Cpu, "the CPU was asked for");
        var asked = request == DeviceRequest.Cuda ? "CUDA was asked for" : "Auto";
        var problem = providerProblem.Value ?? deviceProblems.GetValueOrDefault(deviceId);
        return problem is null
            ? new DeviceChoice(ExecutionDevice.Cuda, $"{asked}: the CUDA provider loaded and device {deviceId} started")
            : new DeviceChoice(ExecutionDevice.Cpu, $"{asked}, but {problem}");
    }

    /// <summary>
    /// Sessions did not start on CUDA device <paramref name="deviceId"/> although they do on the CPU: the device is the
    /// problem, so this and later requests run on the CPU without trying it again.
    /// </summary>
    public static DeviceChoice DeviceFailed(DeviceRequest request, int deviceId, Exception error)
    {
        deviceProblems[deviceId] = $"sessions do not start on CUDA device {deviceId} ({error.Message})";
        return Choose(request, deviceId);
    }

    static string? FindProviderProblem()
    {
        var environment = OrtEnv.Instance();
        var providers = environment.GetAvailableProviders();
        if (!providers.Contains(ProviderName))
            return $"this ONNX Runtime has no CUDA provider (only {string.Join(", ", providers)}: the CPU-only flavour, -p:OnnxRuntimeFlavor=Cpu)";
        if (LocateProviderLibrary() is not { } library)
            return $"{ProviderLibrary} is not in the folder ONNX Runtime's {RuntimeLibrary} was loaded from";
        // Registering the provider's library loads it as sessions will, and the error then carries the loader's message,
        // which names the first missing CUDA library; appending the provider to a session says only "Failed to load shared library".
        try
        {
            environment.RegisterExecutionProviderLibrary(ProbeRegistration, library);
        }
        catch (OnnxRuntimeException e) when (e.Message.Contains("Failed to load library", StringComparison.Ordinal))
        {
            return MissingLibrary().Match(e.Message) is { Success: true } missing
                ? $"the CUDA library {missing.Groups["library"].Value} is missing ({e.Message})"
                : $"the CUDA provider does not load ({e.Message})";
        }
        catch (OnnxRuntimeException)
        {
            // It loaded; whatever else registering it needs, sessions do not (they use the provider directly), and
            // a device that cannot start shows when they start.
            return null;
        }
        environment.UnregisterExecutionProviderLibrary(ProbeRegistration);
        return null;
    }

    static string RuntimeLibrary => OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so";

    static string ProviderLibrary => OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";

    /// <summary>ONNX Runtime loads a provider from the folder of its own library, which .NET found in these folders, first one first.</summary>
    static string? LocateProviderLibrary()
    {
        var folders = ((AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory);
        var runtimeFolder = folders.FirstOrDefault(folder => File.Exists(Path.Combine(folder, RuntimeLibrary)));
        var provider = runtimeFolder is null ? null : Path.Combine(runtimeFolder, ProviderLibrary);
        return File.Exists(provider) ? provider : null;
    }

    /// <summary>The dynamic loader's message for a missing dependency: "with error: libcublasLt.so.13: cannot open shared object file".</summary>
    [GeneratedRegex(@"with error: (?<library>[^\s:]+): cannot open shared object file")]
    private static partial Regex MissingLibrary();
}
