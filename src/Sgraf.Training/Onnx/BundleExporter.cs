using System.Security.Cryptography;
using Google.Protobuf;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.Training.Checkpoints;
using DataType = Sgraf.Training.Onnx.Proto.TensorProto.Types.DataType;

namespace Sgraf.Training.Onnx;

/// <summary>One model to export and where it came from (for the manifest).</summary>
public sealed record ExportSource(ModelCheckpoint Checkpoint, string Path);

/// <summary>
/// Writes an ONNX bundle (see <see cref="BundleManifest"/>): image_encoder.onnx and text_encoder.onnx with one encoder per
/// model, sgr.onnx and/or saf.onnx, the vocabulary, and manifest.json with every file's size and SHA-256.
/// </summary>
internal static class BundleExporter
{
    /// <exception cref="InvalidInputException">The models cannot form a bundle (two of a kind, different img_dim, vocabulary size mismatch).</exception>
    public static BundleManifest Export(IReadOnlyList<ExportSource> sources, string vocabularyPath, string outDir, DateTimeOffset exportedAt)
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
                $"{m.Checkpoint.Config.Module} scores of N images against C captions (N, C).");
        }
        File.Copy(vocabularyPath, System.IO.Path.Combine(outDir, BundleManifest.VocabularyFile), overwrite: true);

        var files = new[] { BundleManifest.ImageEncoderFile, BundleManifest.TextEncoderFile }
            .Concat(modules.Keys.Select(BundleManifest.SimilarityFile))
            .Append(BundleManifest.VocabularyFile)
            .ToDictionary(f => f, f => Describe(System.IO.Path.Combine(outDir, f)));
        var manifest = new BundleManifest
        {
            FormatVersion = BundleManifest.CurrentFormatVersion,
            Opset = OnnxGraphBuilder.Opset,
            IrVersion = OnnxGraphBuilder.IrVersion,
            ExportedAt = exportedAt,
            Modules = modules,
            Files = files,
        };
        manifest.Save(System.IO.Path.Combine(outDir, BundleManifest.FileName));
        return manifest;
    }

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
        var scores = SimilarityExporter.Add(g, regions, imageGlobal, words, lengths, captionGlobal, config, weights);
        g.Output(scores, "scores", DataType.Float, "N", "C");
        return g;
    }

    static void Write(string outDir, string fileName, OnnxGraphBuilder graph, IReadOnlyDictionary<string, string> metadata, string doc)
    {
        using var stream = File.Create(System.IO.Path.Combine(outDir, fileName));
        graph.Build(metadata, doc).WriteTo(stream);
    }

    static BundleFile Describe(string path)
    {
        using var stream = File.OpenRead(path);
        return new BundleFile { Size = stream.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream)) };
    }
}
