using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sgraf.Inference.Model;
using Sgraf.Inference.Json;

namespace Sgraf.Inference.Runtime;

/// <summary>The dimensions of one SGR or SAF model in a bundle, and the checkpoint it was exported from.</summary>
public sealed record BundleModule
{
    [JsonPropertyName("img_dim")] public required int ImgDim { get; init; }
    [JsonPropertyName("word_dim")] public required int WordDim { get; init; }
    [JsonPropertyName("embed_size")] public required int EmbedSize { get; init; }
    [JsonPropertyName("sim_dim")] public required int SimDim { get; init; }
    [JsonPropertyName("sgr_step")] public int? SgrStep { get; init; }
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("num_layers")] public required int NumLayers { get; init; }
    [JsonPropertyName("bi_gru")] public required bool BiGru { get; init; }
    [JsonPropertyName("source_checkpoint")] public required string SourceCheckpoint { get; init; }

    /// <summary>The dimensions as one line; each .onnx file carries it in its metadata, so a manifest edited after export is caught.</summary>
    public string DimensionsKey() => string.Create(CultureInfo.InvariantCulture,
        $"img_dim={ImgDim},word_dim={WordDim},embed_size={EmbedSize},sim_dim={SimDim},sgr_step={SgrStep?.ToString(CultureInfo.InvariantCulture) ?? "-"}," +
        $"vocab_size={VocabSize},num_layers={NumLayers},bi_gru={(BiGru ? "true" : "false")}");

    public static BundleModule From(SgrafConfig config, string sourceCheckpoint) => new()
    {
        ImgDim = config.ImgDim,
        WordDim = config.WordDim,
        EmbedSize = config.EmbedSize,
        SimDim = config.SimDim,
        SgrStep = config.Module == SimilarityModule.SGR ? config.SgrStep : null,
        VocabSize = config.VocabSize,
        NumLayers = config.NumLayers,
        BiGru = config.BiGru,
        SourceCheckpoint = sourceCheckpoint,
    };
}

/// <summary>A bundle's shortlist head: its architecture and the head checkpoint it was exported from.</summary>
public sealed record BundleShortlist
{
    [JsonPropertyName("config")] public required ShortlistHeadConfig Config { get; init; }
    [JsonPropertyName("source_checkpoint")] public required string SourceCheckpoint { get; init; }
}

/// <summary>Where a bundle's picture encoder was built from: a NuGet package, and the SHA-256 of each file it read.</summary>
public sealed record PictureEncoderSource
{
    [JsonPropertyName("package")] public required string Package { get; init; }
    [JsonPropertyName("version")] public required string Version { get; init; }

    /// <summary>SHA-256 of each source file, by its path inside the package.</summary>
    [JsonPropertyName("files")] public required IReadOnlyDictionary<string, string> Files { get; init; }
}

/// <summary>
/// A bundle's picture encoder: pictures in, region features out, and what it was built from. Its file is not listed
/// with the bundle's other files: it is large and built deterministically from a NuGet package, so a bundle may come
/// without it, and then the picture encoder is rebuilt from the package and checked against <see cref="Sha256"/>.
/// </summary>
public sealed record BundlePictureEncoder
{
    [JsonPropertyName("file")] public required string File { get; init; }

    /// <summary>The graph's input: pictures (N, size, size, 3), uint8, RGB 0–255, rows top to bottom.</summary>
    [JsonPropertyName("input")] public required string Input { get; init; }
    [JsonPropertyName("input_layout")] public required string InputLayout { get; init; }
    [JsonPropertyName("input_size")] public required int InputSize { get; init; }

    /// <summary>The output (N, grid², img_dim): region r is grid cell (r / grid, r % grid), row-major from the top left.</summary>
    [JsonPropertyName("output")] public required string Output { get; init; }
    [JsonPropertyName("grid")] public required int Grid { get; init; }
    [JsonPropertyName("img_dim")] public required int ImgDim { get; init; }

    /// <summary>The builder's version: the same package and builder give the same bytes.</summary>
    [JsonPropertyName("builder")] public required string Builder { get; init; }
    [JsonPropertyName("source")] public required PictureEncoderSource Source { get; init; }
    [JsonPropertyName("size")] public required long Size { get; init; }
    [JsonPropertyName("sha256")] public required string Sha256 { get; init; }
}

/// <summary>Size and SHA-256 of one file of a bundle.</summary>
public sealed record BundleFile
{
    [JsonPropertyName("size")] public required long Size { get; init; }
    [JsonPropertyName("sha256")] public required string Sha256 { get; init; }

    /// <summary>The size and SHA-256 (lower-case hex) of the file at <paramref name="path"/>.</summary>
    public static BundleFile Of(string path)
    {
        using var stream = File.OpenRead(path);
        return new BundleFile { Size = stream.Length, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) };
    }
}

/// <summary>
/// <c>manifest.json</c> of an ONNX bundle: what the bundle holds (modules and their dimensions), how it was written
/// (format version, opset, IR version, export time) and every other file's size and SHA-256.
/// </summary>
public sealed record BundleManifest
{
    public const string FileName = "manifest.json";
    public const string Format = "sgraf-onnx-bundle";
    /// <summary>
    /// Version 2 added the optional shortlist head; version 3 the similarity graphs' explanation outputs
    /// (<see cref="AttentionOutput"/>, <see cref="EdgesOutput"/>, <see cref="FiltrationOutput"/>). Older bundles still
    /// open and score; they cannot explain a score.
    /// </summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>The first version whose bundles may hold a shortlist head.</summary>
    public const int ShortlistFormatVersion = 2;

    /// <summary>The first version whose similarity graphs output the weights that explain a score.</summary>
    public const int ExplanationFormatVersion = 3;

    public const int FirstFormatVersion = 1;

    public const string ImageEncoderFile = "image_encoder.onnx";
    public const string TextEncoderFile = "text_encoder.onnx";
    public const string VocabularyFile = "vocab.json";
    public const string ShortlistImageFile = "shortlist_image.onnx";
    public const string ShortlistTextFile = "shortlist_text.onnx";
    public const string PictureEncoderFile = "picture_encoder.onnx";

    /// <summary>The similarity graphs' score output (N, C); scoring requests only this one.</summary>
    public const string ScoresOutput = "scores";

    /// <summary>
    /// SCAN text-to-visual attention before its softmax denominator, (N, 36, C·L): exp(λ a) of every region for every
    /// word of every caption (captions padded to L). Word t's weight on region r (spec §5 step 4) is this value divided
    /// by <see cref="AttentionTotalOutput"/>; the graph keeps the two apart because it never needs the quotient.
    /// </summary>
    public const string AttentionOutput = "scan_weights";

    /// <summary>The softmax denominators of <see cref="AttentionOutput"/>, (N, 1, C·L): the sum over the 36 regions.</summary>
    public const string AttentionTotalOutput = "scan_weight_totals";

    /// <summary>SGR only: the last reasoning step's edge weights from the global node to every node (N, C, 1, L+1) (spec §6).</summary>
    public const string EdgesOutput = "sgr_edges";

    /// <summary>SAF only: the filtration weights of the global node and of each word's node (N, C, L+1, 1) (spec §7).</summary>
    public const string FiltrationOutput = "saf_filtration";

    /// <summary>The key of the head's <see cref="ShortlistHeadConfig.DimensionsKey"/> in the head graphs' metadata.</summary>
    public const string ShortlistMetadataKey = "sgraf.shortlist";

    /// <summary>The key of a module's <see cref="BundleModule.DimensionsKey"/> in each .onnx file's metadata.</summary>
    public static string MetadataKey(string module) => $"sgraf.{module}";

    /// <summary>sgr.onnx or saf.onnx.</summary>
    public static string SimilarityFile(string module) => $"{module}.onnx";

    /// <summary>"sgr" or "saf", the module names used in file, input and output names.</summary>
    public static string ModuleName(SimilarityModule module) => module.ToString().ToLowerInvariant();

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    [JsonPropertyName("format")] public string FormatName { get; init; } = Format;
    [JsonPropertyName("format_version")] public required int FormatVersion { get; init; }
    [JsonPropertyName("opset")] public required int Opset { get; init; }
    [JsonPropertyName("ir_version")] public required int IrVersion { get; init; }
    [JsonPropertyName("regions")] public int Regions { get; init; } = SgrafConfig.Regions;
    [JsonPropertyName("exported_at")] public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>"sgr" and/or "saf", in that order.</summary>
    [JsonPropertyName("modules")] public required IReadOnlyDictionary<string, BundleModule> Modules { get; init; }

    /// <summary>The shortlist head, if the bundle has one (format version 2).</summary>
    [JsonPropertyName("shortlist")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BundleShortlist? Shortlist { get; init; }

    /// <summary>
    /// The picture encoder, if the bundle takes pictures. An optional member of any format version: a reader that does
    /// not know it serves the bundle on features as before.
    /// </summary>
    [JsonPropertyName("picture_encoder")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BundlePictureEncoder? PictureEncoder { get; init; }

    /// <summary>Every file of the bundle except the manifest (and the picture encoder), by file name.</summary>
    [JsonPropertyName("files")] public required IReadOnlyDictionary<string, BundleFile> Files { get; init; }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions) + "\n");

    /// <exception cref="InvalidInputException">Missing, unreadable or not a manifest.</exception>
    public static BundleManifest Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "no bundle manifest here; is this an sgraf ONNX bundle (sgraf export-onnx)?");
        try
        {
            return JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(path), JsonOptions)
                   ?? throw InvalidInputException.InFile(path, "the manifest is empty");
        }
        catch (JsonException e)
        {
            throw InvalidInputException.InFile(path, $"not a valid bundle manifest: {JsonReadError.From(e, typeof(BundleManifest), JsonOptions)}");
        }
    }
}
