namespace Sgraf.Inference.Runtime;

/// <summary>The bundle's similarity graphs predate the explanation outputs (format version 3): they score, but cannot say why.</summary>
public sealed class ExplanationUnavailableException(string bundleDirectory, int formatVersion) : InvalidOperationException(
    $"the bundle in {bundleDirectory} is format version {formatVersion}; its similarity graphs do not output the weights that explain a score " +
    $"(format version {BundleManifest.ExplanationFormatVersion} and later do). Export it again with `sgraf export-onnx` (and `sgraf add-shortlist` for its head)")
{
    public string BundleDirectory { get; } = bundleDirectory;
}
