namespace Sgraf.Api.Configuration;

/// <summary>
/// Finds this repository's folders (models/, data/) when the service runs from a checkout, so that
/// <c>dotnet run --project src/Sgraf.Api</c> serves the demo with no settings. Deployed builds set the paths instead.
/// </summary>
public static class RepositoryLayout
{
    const string Marker = "Sgraf.sln";

    /// <summary>The checkout holding the working directory or the app, or null when neither is inside one.</summary>
    public static string? FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, Marker))) return dir.FullName;
        return null;
    }
}
