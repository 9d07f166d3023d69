using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sgraf.Inference;
using Sgraf.Inference.Runtime;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Inference.Json;

namespace Sgraf.Training.Shortlist;

/// <summary>What a shortlist head was trained on: the bundle whose frozen encoders and scores it learned from.</summary>
public sealed record ShortlistProvenance
{
    [JsonPropertyName("bundle")] public required string Bundle { get; init; }

    /// <summary><see cref="SgrafBundle.EmbeddingsHash"/> of that bundle: the head only fits embeddings made by those encoders.</summary>
    [JsonPropertyName("embeddings_hash")] public required string EmbeddingsHash { get; init; }

    [JsonPropertyName("data")] public required string Data { get; init; }
    [JsonPropertyName("epoch")] public required int Epoch { get; init; }
    [JsonPropertyName("trained_at")] public required DateTimeOffset TrainedAt { get; init; }
}

/// <summary>
/// A trained shortlist head on disk: a folder with <c>config.json</c> (the <see cref="ShortlistHeadConfig"/> and a
/// <c>provenance</c> block) and <c>weights.safetensors</c> (tensors named image.*, text.*, logit_scale).
/// </summary>
public sealed class ShortlistCheckpoint(ShortlistHeadConfig config, IReadOnlyDictionary<string, Checkpoints.HostTensor> weights, ShortlistProvenance provenance)
{
    const string ProvenanceKey = "provenance";
    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public ShortlistHeadConfig Config { get; } = config;
    public IReadOnlyDictionary<string, Checkpoints.HostTensor> Weights { get; } = weights;
    public ShortlistProvenance Provenance { get; } = provenance;

    public static ShortlistCheckpoint From(ShortlistHead head, ShortlistProvenance provenance) =>
        new(head.Config, ModuleWeights.Save(head), provenance);

    /// <summary>The head with these weights, in eval mode on the CPU.</summary>
    public ShortlistHead Instantiate()
    {
        var head = new ShortlistHead(Config);
        ModuleWeights.Load(head, Weights, "shortlist head");
        head.eval();
        return head;
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = JsonSerializer.SerializeToNode(Config, JsonOptions)!.AsObject();
        json[ProvenanceKey] = JsonSerializer.SerializeToNode(Provenance, JsonOptions);
        File.WriteAllText(Path.Combine(directory, ModelCheckpoint.ConfigFileName), json.ToJsonString(JsonOptions) + "\n");
        Safetensors.Write(Path.Combine(directory, ModelCheckpoint.WeightsFileName), Weights,
            new Dictionary<string, string> { ["kind"] = "sgraf shortlist head" });
    }

    /// <exception cref="InvalidInputException">A file is missing or corrupt, or the weights do not fit the config.</exception>
    public static ShortlistCheckpoint Load(string directory)
    {
        var configPath = Path.Combine(directory, ModelCheckpoint.ConfigFileName);
        if (!File.Exists(configPath)) throw InvalidInputException.InFile(directory, "no shortlist head here (config.json missing); train one with sgraf train-shortlist");
        ShortlistHeadConfig config;
        ShortlistProvenance provenance;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject
                       ?? throw InvalidInputException.InFile(configPath, "not a JSON object");
            config = node.Deserialize<ShortlistHeadConfig>(JsonOptions)!;
            config.Validate();
            provenance = node[ProvenanceKey]?.Deserialize<ShortlistProvenance>(JsonOptions)
                         ?? throw InvalidInputException.InFile(configPath, "has no provenance block: which bundle was this head trained for?");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{configPath}: not a valid shortlist head config: {JsonReadError.From(e, typeof(ShortlistHeadConfig), JsonOptions)}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"{configPath}: not a valid shortlist head config: {e.Message}", e);
        }
        var weightsPath = Path.Combine(directory, ModelCheckpoint.WeightsFileName);
        var weights = Safetensors.Read(weightsPath).Tensors;
        var checkpoint = new ShortlistCheckpoint(config, weights, provenance);
        try
        {
            checkpoint.Instantiate().Dispose();
        }
        catch (ArgumentException e)
        {
            throw InvalidInputException.InFile(weightsPath, $"the weights do not fit the head in config.json: {e.Message}");
        }
        return checkpoint;
    }
}
