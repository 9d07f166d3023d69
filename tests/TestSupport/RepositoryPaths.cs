namespace Sgraf.TestSupport;

/// <summary>Paths into this repository, found by walking up from the test binaries to the folder holding Sgraf.sln.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Locate();

    public static string Models => Path.Combine(Root, "models");

    static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sgraf.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Sgraf.sln not found above {AppContext.BaseDirectory}");
    }
}
