using System.Text.Json.Serialization;

namespace Sgraf.Inference.Model;

/// <summary>Which similarity head a model has (spec §6 SGR, §7 SAF).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SimilarityModule>))]
public enum SimilarityModule { SGR, SAF }

/// <summary>
/// The architecture of one SGR or SAF model: every dimension the weights depend on, named as the
/// official <c>opt</c> names them (spec §1), so a config.json reads like the official command line.
/// </summary>
public sealed record SgrafConfig
{
    /// <summary>Regions per image; the official code hard-codes 36 (VisualSA's BatchNorm has one channel per region).</summary>
    public const int Regions = 36;

    [JsonPropertyName("module_name")] public required SimilarityModule Module { get; init; }
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("img_dim")] public required int ImgDim { get; init; }
    [JsonPropertyName("word_dim")] public required int WordDim { get; init; }
    [JsonPropertyName("embed_size")] public required int EmbedSize { get; init; }
    [JsonPropertyName("sim_dim")] public required int SimDim { get; init; }
    [JsonPropertyName("sgr_step")] public int SgrStep { get; init; } = 3;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 1;
    [JsonPropertyName("bi_gru")] public bool BiGru { get; init; } = true;
    [JsonPropertyName("no_imgnorm")] public bool NoImgNorm { get; init; }
    [JsonPropertyName("no_txtnorm")] public bool NoTxtNorm { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot describe a model.</summary>
    public void Validate()
    {
        Positive(VocabSize, "vocab_size");
        Positive(ImgDim, "img_dim");
        Positive(WordDim, "word_dim");
        Positive(EmbedSize, "embed_size");
        Positive(SimDim, "sim_dim");
        Positive(NumLayers, "num_layers");
        if (Module == SimilarityModule.SGR) Positive(SgrStep, "sgr_step");
        if (!Enum.IsDefined(Module)) throw new ArgumentException($"module_name {Module} is neither SGR nor SAF");
    }

    static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be a positive integer, got {value}");
    }
}
