namespace Sgraf.TestSupport;

/// <summary>
/// A small bundle for the picture tests: SGR and SAF with random weights (word_dim 32, embed_size 64, sim_dim 32) that
/// take img_dim 512, the picture encoder's, and whose manifest records the ResNet-18 picture encoder without its 64 MB
/// file (it is rebuilt from its package when opened). Its vocabulary is everyday words, so captions read as captions.
/// Committed in <c>tests/TestSupport/PictureBundle</c> (a few hundred KB); <c>PictureTestBundleTests</c> in
/// Sgraf.Training.Tests rebuilds it with the exporter and checks it is the same (and rewrites it with
/// SGRAF_WRITE_PICTURE_BUNDLE=1).
/// </summary>
public static class PictureBundle
{
    public static string Path => System.IO.Path.Combine(RepositoryPaths.Root, "tests", "TestSupport", "PictureBundle");

    /// <summary>Everyday words of photo captions: what the bundle's vocabulary holds after its four specials.</summary>
    public static readonly string[] Words =
    [
        "a", "an", "the", "of", "in", "on", "with", "and", "is", "are", "at", "by", "near", "next", "to", "from", "over", "under",
        "cat", "cats", "kitten", "dog", "dogs", "puppy", "man", "woman", "person", "people", "child", "boy", "girl", "astronaut",
        "cup", "coffee", "saucer", "spoon", "table", "rocket", "launch", "pad", "smoke", "space", "galaxies", "galaxy", "stars",
        "sky", "night", "suit", "flag", "helmet", "grass", "field", "water", "beach", "snow", "road", "street", "tree", "trees",
        "red", "blue", "green", "white", "black", "brown", "yellow", "orange", "gray", "small", "large", "two", "three", "many",
        "runs", "running", "walks", "walking", "sits", "sitting", "lies", "lying", "stands", "standing", "plays", "playing",
        "looks", "looking", "smiles", "smiling", "holds", "holding", "flies", "flying", "camera", "photo", "picture", "dark",
    ];
}
