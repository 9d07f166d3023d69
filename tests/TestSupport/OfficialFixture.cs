namespace Sgraf.TestSupport;

/// <summary>
/// Paths into shared/fixtures/official-small, produced by running the official PyTorch code.
/// Found by walking up from the test binaries to the folder that holds shared/ (the repository's parent
/// in a CI clone), or from SGRAF_FIXTURE_DIR when set.
/// </summary>
public static class OfficialFixture
{
    public static string Root { get; } = Locate();

    public static string DataDir => Path.Combine(Root, "data", "tiny_precomp");
    public static string DataParent => Path.Combine(Root, "data");
    public static string VocabFile => Path.Combine(Root, "vocab", "tiny_precomp_vocab.json");
    public static string Expected(string name) => Path.Combine(Root, "expected", name);

    /// <param name="module">"SGR" or "SAF".</param>
    public static string Checkpoint(string module, bool legacy = false) =>
        Path.Combine(Root, "runs", module, legacy ? "model_best_legacy.pth.tar" : "model_best.pth.tar");

    static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("SGRAF_FIXTURE_DIR");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "official-small");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"shared/fixtures/official-small not found above {AppContext.BaseDirectory}; set SGRAF_FIXTURE_DIR");
    }
}
