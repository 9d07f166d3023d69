namespace Sgraf.TestSupport;

/// <summary>
/// The demo bundle as it was at format version 2, before its similarity graphs had explanation outputs: the committed
/// bundle's encoders, vocabulary and shortlist head (unchanged by the re-export) with the old sgr.onnx, saf.onnx and
/// manifest.json kept in <c>tests/TestSupport/Format2Bundle</c>.
/// </summary>
public static class Format2Bundle
{
    public static string OldFiles => Path.Combine(RepositoryPaths.Root, "tests", "TestSupport", "Format2Bundle");

    /// <summary>Writes the format 2 bundle into <paramref name="directory"/> (created if missing) and returns it.</summary>
    public static string CopyTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var bundle = Path.Combine(RepositoryPaths.Models, "shapes-bundle");
        foreach (var file in Directory.GetFiles(bundle)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        foreach (var file in Directory.GetFiles(OldFiles)) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        return directory;
    }
}
