using System.Reflection;
using Sgraf.Inference.Runtime;

namespace Sgraf.Inference.Pictures;

/// <summary>
/// The NuGet package the picture encoder is built from (Microsoft.ML.DnnImageFeaturizer.ResNet18, MIT): an ImageNet
/// ResNet-18 exported by CNTK 2.6 and its preprocessing graph. Restore downloads it without its ML.NET dependencies
/// (src/Sgraf.Inference/Sgraf.Inference.csproj); this finds its two .onnx files.
/// </summary>
public sealed record PictureEncoderPackage
{
    /// <summary>The two graphs, by their path inside the package.</summary>
    public const string ResNetFile = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessFile = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The package this build restores (Directory.Packages.props): Microsoft.ML.DnnImageFeaturizer.ResNet18.</summary>
    public static string Id { get; } = BuildMetadata("Sgraf.ResNet18PackageId");

    /// <summary>The version this build restores (Directory.Packages.props).</summary>
    public static string Version { get; } = BuildMetadata("Sgraf.ResNet18PackageVersion");

    /// <summary>The package folder, or a published program's folder (which holds a copy of the package's tools/ models).</summary>
    public required string Folder { get; init; }

    public string ResNetPath => Path.Combine(Folder, ResNetFile);
    public string PreprocessPath => Path.Combine(Folder, PreprocessFile);

    /// <summary>
    /// Finds the package's files: next to the program when it was published (a publish copies the package's
    /// <c>tools/</c> models there), else where restore put the package on the machine that built this, else in the
    /// NuGet packages folder (<c>NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>).
    /// </summary>
    /// <exception cref="InvalidInputException">The package is nowhere to be found.</exception>
    public static PictureEncoderPackage Locate()
    {
        var lowerId = Id.ToLowerInvariant();
        var candidates = new List<string> { AppContext.BaseDirectory, BuildMetadata("Sgraf.ResNet18PackageFolder") };
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages)
            candidates.Add(Path.Combine(packages, lowerId, Version));
        candidates.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", lowerId, Version));
        foreach (var folder in candidates)
            if (File.Exists(Path.Combine(folder, ResNetFile)) && File.Exists(Path.Combine(folder, PreprocessFile)))
                return new PictureEncoderPackage { Folder = folder };
        throw new InvalidInputException(
            $"the picture encoder's source package {Id} {Version} is not on this machine (looked in {string.Join(", ", candidates)}); " +
            "restore it with `dotnet restore src/Sgraf.Inference`, or give the bundle its picture_encoder.onnx");
    }

    /// <summary>SHA-256 of each source file, by its path inside the package.</summary>
    public IReadOnlyDictionary<string, string> SourceHashes() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [ResNetFile] = BundleFile.Of(ResNetPath).Sha256,
        [PreprocessFile] = BundleFile.Of(PreprocessPath).Sha256,
    };

    static string BuildMetadata(string key) =>
        typeof(PictureEncoderPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"this build of Sgraf.Inference lacks its {key} metadata (Sgraf.Inference.csproj)");
}
