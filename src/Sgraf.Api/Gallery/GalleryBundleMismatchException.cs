namespace Sgraf.Api.Gallery;

/// <summary>
/// The gallery on disk was encoded with another model bundle. Its embeddings are meaningless to the loaded
/// bundle, so the service must re-encode or refuse — never mix the two.
/// </summary>
/// <param name="path">Where the gallery is: a log file, or a Redis server and key.</param>
/// <param name="expectedBundleHash">The loaded bundle's hash.</param>
/// <param name="foundBundleHash">The hash the gallery was written with.</param>
/// <param name="remedy">What the operator can do; the default fits the local log.</param>
public sealed class GalleryBundleMismatchException(
    string path,
    string expectedBundleHash,
    string foundBundleHash,
    string remedy = "Re-encode the gallery for this bundle or point the service at another data directory.")
    : Exception($"Gallery log '{path}' was written for bundle '{foundBundleHash}', but the loaded bundle is '{expectedBundleHash}'. {remedy}")
{
    public string Path { get; } = path;
    public string ExpectedBundleHash { get; } = expectedBundleHash;
    public string FoundBundleHash { get; } = foundBundleHash;
}
