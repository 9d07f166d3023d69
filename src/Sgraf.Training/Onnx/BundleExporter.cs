using Google.Protobuf;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Inference.Pictures;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Shortlist;
using DataType = Sgraf.Inference.Onnx.Proto.TensorProto.Types.DataType;

namespace Sgraf.Training.Onnx;

/// <summary>One model to export and where it came from (for the manifest).</summary>
public sealed record ExportSource(ModelCheckpoint Checkpoint, string Path);

/// <summary>A shortlist head to export and where it came from.</summary>
public sealed record ShortlistSource(ShortlistCheckpoint Checkpoint, string Path);

/// <summary>
/// Writes an ONNX bundle (see <see cref="BundleManifest"/>): image_encoder.onnx and text_encoder.onnx with one encoder per
/// model, sgr.onnx and/or saf.onnx, the vocabulary, and manifest.json with every file's size and SHA-256.
/// </summary>
internal static class BundleExporter
{
    /// <exception cref="InvalidInputException">The models cannot form a bundle (two of a kind, different img_dim, vocabulary size mismatch).</exception>
    public static BundleManifest Export(IReadOnlyList<ExportSource> sources, string vocabularyPath, string outDir, DateTimeOffset exportedAt,
        ShortlistSource? shortlist = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        var models = sources.OrderBy(s => s.Checkpoint.Config.Module).ToArray();
        if (models.Select(m => m.Checkpoint.Config.Module).Distinct().Count() != models.Length)
            throw new InvalidInputException($"--model: two {models[0].Checkpoint.Config.Module} models; a bundle holds at most one SGR and one SAF");
        var imgDims = models.Select(m => m.Checkpoint.Config.ImgDim).Distinct().ToArray();
        if (imgDims.Length > 1)
            throw new InvalidInputException($"--model: the models take different img_dim ({string.Join(" vs ", imgDims)}); a bundle needs one feature space");
        var vocabulary = Vocabulary.Load(vocabularyPath);
        foreach (var m in models)
            if (m.Checkpoint.Config.VocabSize != vocabulary.Count)
                throw new InvalidInputException(
                    $"{m.Path}: the model was trained with {m.Checkpoint.Config.VocabSize} words but {vocabularyPath} has {vocabulary.Count}");

        Directory.CreateDirectory(outDir);
        var modules = models.ToDictionary(m => BundleManifest.ModuleName(m.Checkpoint.Config.Module),
            m => BundleModule.From(m.Checkpoint.Config, System.IO.Path.GetFullPath(m.Path)));
        var metadata = modules.ToDictionary(kv => BundleManifest.MetadataKey(kv.Key), kv => kv.Value.DimensionsKey());
        var weights = models.ToDictionary(m => m.Checkpoint, m => new ExportWeights(m.Checkpoint));

        Write(outDir, BundleManifest.ImageEncoderFile, ImageEncoderGraph(models, weights), metadata,
            "Region features (N, 36, img_dim) → per model: region embeddings (N, 36, D) and VisualSA global vector (N, D).");
        Write(outDir, BundleManifest.TextEncoderFile, TextEncoderGraph(models, weights), metadata,
            "Token ids (B, L) and lengths (B) → per model: word embeddings (B, L, D), zero past each length, and TextSA global vector (B, D).");
        foreach (var m in models)
        {
            var name = BundleManifest.ModuleName(m.Checkpoint.Config.Module);
            Write(outDir, BundleManifest.SimilarityFile(name), SimilarityGraph(m.Checkpoint.Config, weights[m.Checkpoint]),
                new Dictionary<string, string> { [BundleManifest.MetadataKey(name)] = modules[name].DimensionsKey() },
                $"{m.Checkpoint.Config.Module} scores of N images against C captions (N, C), and the weights that explain them.");
        }
        File.Copy(vocabularyPath, System.IO.Path.Combine(outDir, BundleManifest.VocabularyFile), overwrite: true);

        var files = new[] { BundleManifest.ImageEncoderFile, BundleManifest.TextEncoderFile }
            .Concat(modules.Keys.Select(BundleManifest.SimilarityFile))
            .Append(BundleManifest.VocabularyFile)
            .ToDictionary(f => f, f => BundleFile.Of(System.IO.Path.Combine(outDir, f)));
        var manifest = new BundleManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            Opset = OnnxGraphBuilder.Opset,
            IrVersion = OnnxGraphBuilder.IrVersion,
            ExportedAt = exportedAt,
            Modules = modules,
            Files = files,
        };
        if (shortlist is not null)
        {
            // The head's training bundle must have had these encoders; a fresh export can only check the dimensions.
            manifest = WithShortlist(manifest, shortlist, outDir);
        }
        manifest.Save(System.IO.Path.Combine(outDir, BundleManifest.FileName));
        return manifest;
    }

    /// <summary>
    /// Adds (or replaces) the shortlist head of the bundle in <paramref name="bundleDir"/>, writing the result to
    /// <paramref name="outDir"/> (the same folder to change it in place). The encoders are untouched, so a gallery
    /// stored with the bundle keeps working (<see cref="SgrafBundle.EmbeddingsHash"/> is unchanged).
    /// </summary>
    /// <exception cref="InvalidInputException">The head was trained on other encoders, or does not fit the bundle.</exception>
    public static BundleManifest AddShortlist(string bundleDir, ShortlistSource shortlist, string outDir)
    {
        var bundle = SgrafBundle.Open(bundleDir);
        if (!string.Equals(shortlist.Checkpoint.Provenance.EmbeddingsHash, bundle.EmbeddingsHash, StringComparison.OrdinalIgnoreCase))
            throw InvalidInputException.InFile(shortlist.Path,
                $"the head was trained on the encoders of {shortlist.Checkpoint.Provenance.Bundle} (embeddings {shortlist.Checkpoint.Provenance.EmbeddingsHash[..12]}…), " +
                $"not on those of {bundleDir} (embeddings {bundle.EmbeddingsHash[..12]}…); train it on this bundle");
        Directory.CreateDirectory(outDir);
        var keep = bundle.Manifest.Files.Keys.Where(f => f is not (BundleManifest.ShortlistImageFile or BundleManifest.ShortlistTextFile)).ToArray();
        if (!SameFolder(bundleDir, outDir))
            foreach (var file in keep) File.Copy(bundle.PathOf(file), System.IO.Path.Combine(outDir, file), overwrite: true);
        // The similarity graphs are copied as they are, so the bundle keeps its version unless it had none with a head:
        // a version 2 bundle must not claim the explanation outputs of version 3.
        var manifest = WithShortlist(bundle.Manifest with
        {
            FormatVersion = Math.Max(bundle.Manifest.FormatVersion, BundleManifest.ShortlistFormatVersion),
            Files = keep.ToDictionary(f => f, f => bundle.Manifest.Files[f]),
        }, shortlist, outDir);
        manifest.Save(System.IO.Path.Combine(outDir, BundleManifest.FileName));
        return manifest;
    }

    /// <summary>
    /// Writes <paramref name="encoder"/> into the bundle in <paramref name="bundleDir"/> as its picture encoder (replacing
    /// one it had) and records it in the manifest. Nothing else changes, so a gallery stored with the bundle keeps working.
    /// </summary>
    /// <exception cref="InvalidInputException">The bundle's models take another img_dim than the encoder gives.</exception>
    public static BundleManifest AddPictureEncoder(string bundleDir, BuiltPictureEncoder encoder)
    {
        var bundle = SgrafBundle.Open(bundleDir);
        if (bundle.ImgDim != encoder.Description.ImgDim)
            throw InvalidInputException.InFile(bundle.PathOf(BundleManifest.FileName),
                $"the bundle's models take img_dim {bundle.ImgDim}; the picture encoder gives {encoder.Description.ImgDim} features per region, so it cannot feed them");
        File.WriteAllBytes(bundle.PathOf(encoder.Description.File), encoder.Graph);
        var manifest = bundle.Manifest with { PictureEncoder = encoder.Description };
        manifest.Save(bundle.PathOf(BundleManifest.FileName));
        return manifest;
    }

    /// <summary>Writes the head's graphs into <paramref name="outDir"/> and returns the manifest listing them.</summary>
    static BundleManifest WithShortlist(BundleManifest manifest, ShortlistSource shortlist, string outDir)
    {
        var config = shortlist.Checkpoint.Config;
        var modules = manifest.Modules.Select(m => (m.Key, m.Value.EmbedSize)).ToArray();
        var names = modules.Select(m => m.Key).ToArray();
        if (!config.Modules.SequenceEqual(names) || config.InputDim != modules.Sum(m => m.EmbedSize))
            throw InvalidInputException.InFile(shortlist.Path,
                $"the head reads {string.Join("+", config.Modules)} with {config.InputDim} features per region; the bundle has " +
                $"{string.Join("+", names)} with {modules.Sum(m => m.EmbedSize)}");
        var metadata = new Dictionary<string, string> { [BundleManifest.ShortlistMetadataKey] = config.DimensionsKey() };
        Write(outDir, BundleManifest.ShortlistImageFile, ShortlistExporter.ImageGraph(shortlist.Checkpoint, modules), metadata,
            "Shortlist head, image tower: per model region embeddings (N, 36, D) and image global (N, D) → l2-normalised image vectors (N, dim).");
        Write(outDir, BundleManifest.ShortlistTextFile, ShortlistExporter.TextGraph(shortlist.Checkpoint, modules), metadata,
            "Shortlist head, text tower: per model word embeddings (B, L, D), lengths (B) and caption global (B, D) → l2-normalised caption vectors (B, dim).");
        var files = new Dictionary<string, BundleFile>(manifest.Files)
        {
            [BundleManifest.ShortlistImageFile] = BundleFile.Of(System.IO.Path.Combine(outDir, BundleManifest.ShortlistImageFile)),
            [BundleManifest.ShortlistTextFile] = BundleFile.Of(System.IO.Path.Combine(outDir, BundleManifest.ShortlistTextFile)),
        };
        return manifest with
        {
            Files = files,
            Shortlist = new BundleShortlist { Config = config, SourceCheckpoint = System.IO.Path.GetFullPath(shortlist.Path) },
        };
    }

    static bool SameFolder(string a, string b) =>
        string.Equals(System.IO.Path.GetFullPath(a).TrimEnd('/'), System.IO.Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    static OnnxGraphBuilder ImageEncoderGraph(ExportSource[] models, Dictionary<ModelCheckpoint, ExportWeights> weights)
    {
        var g = new OnnxGraphBuilder("sgraf_image_encoder");
        int imgDim = models[0].Checkpoint.Config.ImgDim;
        var features = g.Input("region_features", DataType.Float, "N", SgrafConfig.Regions, imgDim);
        foreach (var m in models)
        {
            var config = m.Checkpoint.Config;
            var name = BundleManifest.ModuleName(config.Module);
            g.Scope = $"{name}/";
            var (regions, global) = ImageEncoderExporter.Add(g, features, config, weights[m.Checkpoint]);
            g.Output(regions, $"{name}_regions", DataType.Float, "N", SgrafConfig.Regions, config.EmbedSize);
            g.Output(global, $"{name}_image_global", DataType.Float, "N", config.EmbedSize);
        }
        return g;
    }

    static OnnxGraphBuilder TextEncoderGraph(ExportSource[] models, Dictionary<ModelCheckpoint, ExportWeights> weights)
    {
        var g = new OnnxGraphBuilder("sgraf_text_encoder");
        var ids = g.Input("token_ids", DataType.Int64, "B", "L");
        var lengths = g.Input("lengths", DataType.Int64, "B");
        foreach (var m in models)
        {
            var config = m.Checkpoint.Config;
            var name = BundleManifest.ModuleName(config.Module);
            g.Scope = $"{name}/";
            var (words, global) = TextEncoderExporter.Add(g, ids, lengths, config, weights[m.Checkpoint]);
            g.Output(words, $"{name}_words", DataType.Float, "B", "L", config.EmbedSize);
            g.Output(global, $"{name}_caption_global", DataType.Float, "B", config.EmbedSize);
        }
        return g;
    }

    static OnnxGraphBuilder SimilarityGraph(SgrafConfig config, ExportWeights weights)
    {
        var g = new OnnxGraphBuilder($"sgraf_{BundleManifest.ModuleName(config.Module)}");
        int d = config.EmbedSize;
        var regions = g.Input("regions", DataType.Float, "N", SgrafConfig.Regions, d);
        var imageGlobal = g.Input("image_global", DataType.Float, "N", d);
        var words = g.Input("words", DataType.Float, "C", "L", d);
        var lengths = g.Input("lengths", DataType.Int64, "C");
        var captionGlobal = g.Input("caption_global", DataType.Float, "C", d);
        var values = SimilarityExporter.Add(g, regions, imageGlobal, words, lengths, captionGlobal, config, weights);
        g.Output(values.Scores, BundleManifest.ScoresOutput, DataType.Float, "N", "C");
        // ONNX Runtime runs every node whichever outputs are fetched, so the explanations are values the score is
        // computed from anyway, exposed under their own names: no node is added and the scores are computed as before.
        g.Expose(values.Attention, BundleManifest.AttentionOutput, DataType.Float, "N", SgrafConfig.Regions, "CL");
        g.Expose(values.AttentionTotal, BundleManifest.AttentionTotalOutput, DataType.Float, "N", 1, "CL");
        if (values.Edges is { } edges) g.Expose(edges, BundleManifest.EdgesOutput, DataType.Float, "N", "C", 1, "nodes");
        if (values.Filtration is { } filtration) g.Expose(filtration, BundleManifest.FiltrationOutput, DataType.Float, "N", "C", "nodes", 1);
        return g;
    }

    static void Write(string outDir, string fileName, OnnxGraphBuilder graph, IReadOnlyDictionary<string, string> metadata, string doc)
    {
        using var stream = File.Create(System.IO.Path.Combine(outDir, fileName));
        graph.Build(metadata, doc).WriteTo(stream);
    }
}
