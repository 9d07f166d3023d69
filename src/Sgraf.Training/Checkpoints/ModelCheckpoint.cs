using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Inference.Json;

namespace Sgraf.Training.Checkpoints;

/// <summary>Where a project checkpoint's weights came from.</summary>
public sealed record CheckpointProvenance
{
    [JsonPropertyName("source_file")] public required string SourceFile { get; init; }

    /// <summary>"torch.save zip", "torch.save legacy", or whatever produced the weights.</summary>
    [JsonPropertyName("source_format")] public required string SourceFormat { get; init; }

    [JsonPropertyName("epoch")] public long? Epoch { get; init; }
    [JsonPropertyName("best_rsum")] public double? BestRsum { get; init; }
    [JsonPropertyName("imported_at")] public required DateTimeOffset ImportedAt { get; init; }
}

/// <summary>
/// The project's own checkpoint: a folder holding <c>config.json</c> (the <see cref="SgrafConfig"/> in the official
/// opt names, plus a <c>provenance</c> block) and <c>weights.safetensors</c> (tensors named <c>img_enc.*</c>,
/// <c>txt_enc.*</c>, <c>sim_enc.*</c>). Loading checks the weights against <see cref="ParameterLayout"/>.
/// </summary>
public sealed class ModelCheckpoint(SgrafConfig config, ModelWeights weights, CheckpointProvenance? provenance = null)
{
    public const string ConfigFileName = "config.json";
    public const string WeightsFileName = "weights.safetensors";
    const string ProvenanceKey = "provenance";

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public SgrafConfig Config { get; } = config;
    public ModelWeights Weights { get; } = weights;
    public CheckpointProvenance? Provenance { get; } = provenance;

    /// <summary>The weights and config of an official checkpoint, recording where and when they were imported.</summary>
    public static ModelCheckpoint FromOfficial(OfficialCheckpoint official, DateTimeOffset importedAt) =>
        new(official.Config, official.Weights, new CheckpointProvenance
        {
            SourceFile = Path.GetFullPath(official.SourcePath),
            SourceFormat = official.Format == TorchSaveFormat.Zip ? "torch.save zip" : "torch.save legacy",
            Epoch = official.Epoch,
            BestRsum = official.BestRsum,
            ImportedAt = importedAt,
        });

    /// <summary>Writes config.json and weights.safetensors into <paramref name="directory"/>, creating it if needed.</summary>
    /// <exception cref="InvalidInputException">The weights do not fit the config; nothing is written.</exception>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ParameterLayout.Validate(Config, Weights, directory);
        Directory.CreateDirectory(directory);

        var json = JsonSerializer.SerializeToNode(Config, JsonOptions)!.AsObject();
        if (Provenance is not null) json[ProvenanceKey] = JsonSerializer.SerializeToNode(Provenance, JsonOptions);
        File.WriteAllText(Path.Combine(directory, ConfigFileName), json.ToJsonString(JsonOptions) + "\n");
        Safetensors.Write(Path.Combine(directory, WeightsFileName), Weights.Flatten(),
            new Dictionary<string, string> { ["module_name"] = Config.Module.ToString() });
    }

    /// <exception cref="InvalidInputException">A file is missing or corrupt, or the weights do not fit the config.</exception>
    public static ModelCheckpoint Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var configPath = Path.Combine(directory, ConfigFileName);
        var (config, provenance) = ReadConfig(configPath);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        var weights = ModelWeights.FromFlat(Safetensors.Read(weightsPath).Tensors, weightsPath);
        ParameterLayout.Validate(config, weights, weightsPath);
        return new ModelCheckpoint(config, weights, provenance);
    }

    static (SgrafConfig, CheckpointProvenance?) ReadConfig(string path)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                       ?? throw InvalidInputException.InFile(path, "the model config is not a JSON object");
            var config = node.Deserialize<SgrafConfig>(JsonOptions)!;
            config.Validate();
            return (config, node[ProvenanceKey]?.Deserialize<CheckpointProvenance>(JsonOptions));
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{path}: not a valid model config: {JsonReadError.From(e, typeof(SgrafConfig), JsonOptions)}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"{path}: not a valid model config: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read the model config: {e.Message}", e);
        }
    }
}
