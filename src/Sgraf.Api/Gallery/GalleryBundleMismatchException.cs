namespace Sgraf.Api.Gallery;

/// <summary>
/// The gallery on disk was encoded with another model bundle. Its embeddings are meaningless to the loaded
/// bundle, so the service must re-encode or refuse — never mix the two.
/// </summary>
public sealed class GalleryBundleMismatchException(string path, string expectedBundleHash, string foundBundleHash)
    : Exception($"Gallery log '{path}' was written for bundle '{foundBundleHash}', but the loaded bundle is '{expectedBundleHash}'. " +
                "Re-encode the gallery for this bundle or point the service at another data directory.")
{
    public string Path { get; } = path;
    public string ExpectedBundleHash { get; } = expectedBundleHash;
    public string FoundBundleHash { get; } = foundBundleHash;
}
