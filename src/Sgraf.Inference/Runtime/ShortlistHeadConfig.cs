using System.Globalization;
using System.Text.Json.Serialization;

namespace Sgraf.Inference.Runtime;

/// <summary>How a shortlist head pools per-region (or per-word) features into one vector.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShortlistPooling>))]
public enum ShortlistPooling
{
    /// <summary>Learned weights over each feature's sorted values (generalized pooling, VSE∞): between mean and max, learned.</summary>
    [JsonStringEnumMemberName("gpo")] Gpo,

    /// <summary>The plain mean over regions or words (the sorted-value weights fixed uniform).</summary>
    [JsonStringEnumMemberName("mean")] Mean,

    /// <summary>The maximum over regions or words (all weight fixed on the largest value).</summary>
    [JsonStringEnumMemberName("max")] Max,
}

/// <summary>
/// The architecture of a shortlist head: two small towers on top of a bundle's frozen encoders, one mapping an image's
/// region embeddings and global vectors, the other a caption's word embeddings and global vector, to l2-normalised
/// vectors of <see cref="Dim"/> whose dot product ranks the gallery for the exact rerank. The towers read the
/// embeddings of every model in <see cref="Modules"/> side by side (concatenated features).
/// </summary>
public sealed record ShortlistHeadConfig
{
    /// <summary>Positions of the sorted-value weights of the image tower: one per region.</summary>
    public const int ImagePositions = Model.SgrafConfig.Regions;

    /// <summary>"sgr" and/or "saf", in bundle order: whose embeddings the towers read.</summary>
    [JsonPropertyName("modules")] public required IReadOnlyList<string> Modules { get; init; }

    /// <summary>Features per region or word: the sum of the modules' embed sizes.</summary>
    [JsonPropertyName("input_dim")] public required int InputDim { get; init; }

    /// <summary>Hidden width of the per-region / per-word MLP.</summary>
    [JsonPropertyName("hidden")] public required int Hidden { get; init; }

    /// <summary>Size of the shortlist vectors.</summary>
    [JsonPropertyName("dim")] public required int Dim { get; init; }

    [JsonPropertyName("pooling")] public required ShortlistPooling Pooling { get; init; }

    /// <summary>Sorted-value weights of the text tower; words past this many share the last weight.</summary>
    [JsonPropertyName("text_positions")] public int TextPositions { get; init; } = 64;

    /// <summary>The dimensions as one line; each head graph carries it in its metadata, so a manifest edited after export is caught.</summary>
    public string DimensionsKey() => string.Create(CultureInfo.InvariantCulture,
        $"modules={string.Join("+", Modules)},input_dim={InputDim},hidden={Hidden},dim={Dim},pooling={Pooling.ToString().ToLowerInvariant()},text_positions={TextPositions}");

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot describe a head.</summary>
    public void Validate()
    {
        if (Modules is null || Modules.Count == 0) throw new ArgumentException("modules must name sgr and/or saf");
        foreach (var module in Modules)
            if (module is not ("sgr" or "saf")) throw new ArgumentException($"modules: '{module}' is neither sgr nor saf");
        if (Modules.Distinct().Count() != Modules.Count) throw new ArgumentException("modules: a module is named twice");
        Positive(InputDim, "input_dim");
        Positive(Hidden, "hidden");
        Positive(Dim, "dim");
        Positive(TextPositions, "text_positions");
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"pooling {Pooling} is not gpo, mean or max");
    }

    static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be a positive integer, got {value}");
    }
}
