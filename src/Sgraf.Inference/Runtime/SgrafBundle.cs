using System.Security.Cryptography;
using Sgraf.Inference.Model;
using Sgraf.Inference.Text;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// An ONNX bundle written by <c>sgraf export-onnx</c>, checked against its manifest: every file present with the
/// recorded size and SHA-256, a known format version, a vocabulary that fits the models. Immutable.
/// </summary>
public sealed class SgrafBundle
{
    SgrafBundle(string directory, BundleManifest manifest, Vocabulary vocabulary, IReadOnlyList<SimilarityModule> modules, string hash, string embeddingsHash)
    {
        Hash = hash;
        EmbeddingsHash = embeddingsHash;
        Directory = directory;
        Manifest = manifest;
        Vocabulary = vocabulary;
        Modules = modules;
    }

    /// <summary>
    /// SHA-256 of the manifest, which holds every file's SHA-256: it identifies the bundle's exact weights, so stored
    /// embeddings and cached query encodings are tagged with it and never mixed across bundles.
    /// </summary>
    public string Hash { get; }

    /// <summary>
    /// SHA-256 of what image and caption embeddings depend on: the two encoder graphs and the vocabulary. A stored
    /// gallery is tagged with it, so a bundle that only gains or changes its shortlist head keeps serving the gallery.
    /// </summary>
    public string EmbeddingsHash { get; }

    /// <summary>The shortlist head, or null when the bundle has none (searches are then exhaustive).</summary>
    public ShortlistHeadConfig? Shortlist => Manifest.Shortlist?.Config;

    public string Directory { get; }
    public BundleManifest Manifest { get; }
    public Vocabulary Vocabulary { get; }

    /// <summary>SGR and/or SAF, in that order.</summary>
    public IReadOnlyList<SimilarityModule> Modules { get; }

    /// <summary>Feature size of one region, shared by the bundle's models.</summary>
    public int ImgDim => Manifest.Modules.Values.First().ImgDim;

    public BundleModule Module(SimilarityModule module) => Manifest.Modules[BundleManifest.ModuleName(module)];

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <exception cref="InvalidInputException">The bundle is incomplete, corrupt or of an unknown format; the message names the file.</exception>
    public static SgrafBundle Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory)) throw InvalidInputException.InFile(directory, "no such bundle folder");
        var manifestPath = Path.Combine(directory, BundleManifest.FileName);
        var manifest = BundleManifest.Load(manifestPath);
        if (manifest.FormatName != BundleManifest.Format
            || manifest.FormatVersion is < BundleManifest.FirstFormatVersion or > BundleManifest.CurrentFormatVersion)
            throw InvalidInputException.InFile(manifestPath,
                $"bundle format {manifest.FormatName} version {manifest.FormatVersion} is not supported (this build reads {BundleManifest.Format} versions {BundleManifest.FirstFormatVersion} to {BundleManifest.CurrentFormatVersion})");
        if (manifest.Modules is null || manifest.Modules.Count == 0 || manifest.Files is null)
            throw InvalidInputException.InFile(manifestPath, "the manifest lists no modules or no files");

        var modules = new List<SimilarityModule>();
        foreach (var module in Enum.GetValues<SimilarityModule>())
            if (manifest.Modules.ContainsKey(BundleManifest.ModuleName(module))) modules.Add(module);
        var unknown = manifest.Modules.Keys.Except(modules.Select(BundleManifest.ModuleName)).ToArray();
        if (unknown.Length > 0) throw InvalidInputException.InFile(manifestPath, $"unknown module(s) {string.Join(", ", unknown)}; expected sgr and/or saf");
        if (manifest.Modules.Values.Select(m => m.ImgDim).Distinct().Count() > 1)
            throw InvalidInputException.InFile(manifestPath, "the modules take different img_dim");

        if (manifest.Shortlist is not null) CheckShortlist(manifest, modules, manifestPath);
        if (manifest.PictureEncoder is not null) CheckPictureEncoder(manifest, directory, manifestPath);

        var required = new[] { BundleManifest.ImageEncoderFile, BundleManifest.TextEncoderFile, BundleManifest.VocabularyFile }
            .Concat(modules.Select(m => BundleManifest.SimilarityFile(BundleManifest.ModuleName(m))))
            .Concat(manifest.Shortlist is null ? [] : [BundleManifest.ShortlistImageFile, BundleManifest.ShortlistTextFile]);
        foreach (var file in required)
            if (!manifest.Files.ContainsKey(file)) throw InvalidInputException.InFile(manifestPath, $"the manifest does not list {file}");
        foreach (var (file, expected) in manifest.Files)
            Verify(Path.Combine(directory, file), expected);

        var vocabularyPath = Path.Combine(directory, BundleManifest.VocabularyFile);
        var vocabulary = Vocabulary.Load(vocabularyPath);
        foreach (var (name, module) in manifest.Modules)
            if (module.VocabSize != vocabulary.Count)
                throw InvalidInputException.InFile(vocabularyPath,
                    $"has {vocabulary.Count} words but the manifest's {name} model has vocab_size {module.VocabSize}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(manifestPath)));
        var embeddingsHash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n",
            new[] { BundleManifest.ImageEncoderFile, BundleManifest.TextEncoderFile, BundleManifest.VocabularyFile }
                .Select(f => $"{f} {manifest.Files[f].Sha256.ToLowerInvariant()}")))));
        return new SgrafBundle(directory, manifest, vocabulary, modules, hash, embeddingsHash);
    }

    /// <summary>The head must read exactly the bundle's models, in bundle order, with their embed sizes side by side.</summary>
    static void CheckShortlist(BundleManifest manifest, IReadOnlyList<SimilarityModule> modules, string manifestPath)
    {
        var head = manifest.Shortlist!.Config;
        if (manifest.FormatVersion < BundleManifest.ShortlistFormatVersion)
            throw InvalidInputException.InFile(manifestPath,
                $"format version {manifest.FormatVersion} has no shortlist head; a bundle with one is version {BundleManifest.ShortlistFormatVersion} or later");
        try
        {
            head.Validate();
        }
        catch (ArgumentException e)
        {
            throw InvalidInputException.InFile(manifestPath, $"shortlist: {e.Message}");
        }
        var names = modules.Select(BundleManifest.ModuleName).ToArray();
        if (!head.Modules.SequenceEqual(names))
            throw InvalidInputException.InFile(manifestPath,
                $"the shortlist head reads {string.Join("+", head.Modules)} but the bundle's models are {string.Join("+", names)}");
        int inputDim = manifest.Modules.Values.Sum(m => m.EmbedSize);
        if (head.InputDim != inputDim)
            throw InvalidInputException.InFile(manifestPath,
                $"the shortlist head takes {head.InputDim} features per region but the bundle's models give {inputDim}");
    }

    /// <summary>
    /// The encoder's regions must be the models' region features; its file may be absent (it is rebuilt from its
    /// package when a picture encoder is opened), but a file that is there must be the one the manifest describes.
    /// </summary>
    static void CheckPictureEncoder(BundleManifest manifest, string directory, string manifestPath)
    {
        var encoder = manifest.PictureEncoder!;
        int imgDim = manifest.Modules.Values.First().ImgDim;
        if (encoder.ImgDim != imgDim)
            throw InvalidInputException.InFile(manifestPath,
                $"the picture encoder gives {encoder.ImgDim} features per region but the bundle's models take img_dim {imgDim}");
        if (encoder.Grid * encoder.Grid != manifest.Regions)
            throw InvalidInputException.InFile(manifestPath,
                $"the picture encoder's {encoder.Grid} × {encoder.Grid} grid does not give the models' {manifest.Regions} regions");
        var path = Path.Combine(directory, encoder.File);
        if (File.Exists(path)) Verify(path, new BundleFile { Size = encoder.Size, Sha256 = encoder.Sha256 });
    }

    static void Verify(string path, BundleFile expected)
    {
        if (Path.GetFileName(path) != Path.GetRelativePath(Path.GetDirectoryName(path)!, path))
            throw InvalidInputException.InFile(path, "bundle files must lie in the bundle folder itself");
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "missing from the bundle (listed in its manifest)");
        var length = new FileInfo(path).Length;
        if (length != expected.Size)
            throw InvalidInputException.InFile(path, $"is {length} bytes but the manifest says {expected.Size}; the bundle is corrupt or incomplete");
        var actual = BundleFile.Of(path).Sha256;
        if (!string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            throw InvalidInputException.InFile(path, $"SHA-256 {actual} does not match the manifest's {expected.Sha256}; the bundle is corrupt");
    }
}
