using System.Text.Json;
using System.Text.Json.Serialization;
using Sgraf.Inference;
using static TorchSharp.torch;
using Sgraf.Inference.Json;

namespace Sgraf.Training.Training;

/// <summary>
/// What a checkpoint folder needs beyond the model for training to go on exactly where it stopped: the epochs and
/// iterations done, the best validation rsum so far, the options of the run (<c>training_state.json</c>), and
/// Adam's moment estimates and step counts (<c>optimizer.bin</c>, TorchSharp's optimizer state format).
/// </summary>
public sealed record TrainingState
{
    public const string FileName = "training_state.json";
    public const string OptimizerFileName = "optimizer.bin";

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Epochs completed; the official checkpoint's <c>epoch</c> field.</summary>
    [JsonPropertyName("epoch")] public required int Epoch { get; init; }

    /// <summary>Optimiser steps taken; the official <c>Eiters</c>.</summary>
    [JsonPropertyName("iteration")] public required long Iteration { get; init; }

    [JsonPropertyName("best_rsum")] public required double BestRsum { get; init; }
    [JsonPropertyName("options")] public required TrainingOptions Options { get; init; }

    public void Save(string directory, optim.Optimizer optimizer)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions) + "\n");
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(Path.Combine(directory, OptimizerFileName));
    }

    /// <param name="withOptimizer">True where the caller will restore Adam's state too (an exact resume), so its file must be there.</param>
    /// <exception cref="InvalidInputException">The folder is not a checkpoint written by <c>sgraf train</c>.</exception>
    public static TrainingState Load(string directory, bool withOptimizer = true)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw InvalidInputException.InFile(path, "no training state; --resume and --continue-from take a checkpoint folder written by sgraf train");
        if (withOptimizer && !File.Exists(Path.Combine(directory, OptimizerFileName)))
            throw InvalidInputException.InFile(Path.Combine(directory, OptimizerFileName),
                "optimizer state missing; cannot resume exactly (shipped checkpoints hold no optimizer state: --continue-from trains on from their weights with a fresh Adam)");
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(path), JsonOptions)
                   ?? throw InvalidInputException.InFile(path, "empty training state");
        }
        catch (JsonException e)
        {
            throw InvalidInputException.InFile(path, $"not a valid training state ({JsonReadError.From(e, typeof(TrainingState), JsonOptions)})");
        }
    }

    /// <summary>Restores Adam's state saved next to this state in <paramref name="directory"/>.</summary>
    public static void LoadOptimizer(string directory, optim.Optimizer optimizer) =>
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(Path.Combine(directory, OptimizerFileName));
}
