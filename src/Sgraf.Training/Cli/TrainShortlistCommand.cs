using System.CommandLine;
using System.Diagnostics;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Runtime;
using Sgraf.Training.Shortlist;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf train-shortlist</c>: trains a shortlist head on a bundle's frozen encoders, distilling the bundle's exact
/// ranking on a precomp split (train, validated on dev). Writes the head checkpoint, training_log.csv and
/// training_curves.png into --out; <c>sgraf add-shortlist</c> puts it into the bundle.
/// </summary>
internal static class TrainShortlistCommand
{
    public static Command Create()
    {
        var defaults = new ShortlistTrainingOptions();
        var bundle = new Option<string>("--bundle")
        {
            Description = "ONNX bundle of the SGR/SAF models (sgraf export-onnx): its encoders are the frozen inputs, its exact scores the teacher",
            Required = true,
        };
        var data = new Option<string>("--data") { Description = "Precomp folder with the train split (and dev, for validation)", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the head checkpoint, its log and curves", Required = true };
        var trainSplit = new Option<string>("--split") { Description = "Split to train on", DefaultValueFactory = _ => "train" };
        var validationSplit = new Option<string>("--validation-split") { Description = "Split to validate on after each epoch", DefaultValueFactory = _ => "dev" };
        var hidden = Option("--hidden", "width of the per-region / per-word MLP", defaults.Hidden);
        var dim = Option("--dim", "size of the shortlist vectors", defaults.Dim);
        var pooling = new Option<string>("--pooling") { Description = "max, mean or gpo (learned weights over sorted values, from the mean) (max)", DefaultValueFactory = _ => "max" };
        var epochs = Option("--epochs", "passes over the training images", defaults.Epochs);
        var batchImages = Option("--batch-images", "images per batch", defaults.BatchImages);
        var captionsPerImage = Option("--captions-per-image", "captions of each image in its batch", defaults.CaptionsPerImage);
        var learningRate = Option("--lr", "Adam learning rate at the start (cosine decay to 0)", defaults.LearningRate);
        var teacherTemperature = Option("--teacher-temperature", "τ of softmax(exact score / τ), the ranking the head learns", defaults.TeacherTemperature);
        var distillationWeight = Option("--distillation-weight", "weight of the listwise distillation loss", defaults.DistillationWeight);
        var contrastiveWeight = Option("--contrastive-weight", "weight of the contrastive loss on true pairs", defaults.ContrastiveWeight);
        var groupSize = Option("--group-size", "images per group of look-alikes in a batch after epoch 1 (1: random batches)", defaults.GroupSize);
        var validationImages = Option("--validation-images", "validation images scored exhaustively after each epoch", defaults.ValidationImages);
        var seed = Option("--seed", "seed of initialisation and batching", defaults.Seed);
        var threads = Option("--threads", "threads for torch and ONNX Runtime", defaults.Threads);
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "Start from this trained head's weights (e.g. the head of the bundle's earlier encoders) instead of random ones; same --hidden, --dim, --pooling",
        };

        var command = new Command("train-shortlist", "Train a shortlist head (first-stage retrieval) on a bundle's frozen encoders by distilling its exact ranking")
        {
            bundle, data, output, trainSplit, validationSplit, hidden, dim, pooling, epochs, batchImages, captionsPerImage, learningRate,
            teacherTemperature, distillationWeight, contrastiveWeight, groupSize, validationImages, seed, threads, initFrom,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var options = new ShortlistTrainingOptions
            {
                Hidden = parse.GetValue(hidden),
                Dim = parse.GetValue(dim),
                Pooling = parse.GetValue(pooling) switch
                {
                    "gpo" => ShortlistPooling.Gpo,
                    "mean" => ShortlistPooling.Mean,
                    "max" => ShortlistPooling.Max,
                    var other => throw new InvalidInputException($"--pooling must be gpo, mean or max, got '{other}'"),
                },
                Epochs = parse.GetValue(epochs),
                BatchImages = parse.GetValue(batchImages),
                CaptionsPerImage = parse.GetValue(captionsPerImage),
                LearningRate = parse.GetValue(learningRate),
                TeacherTemperature = parse.GetValue(teacherTemperature),
                DistillationWeight = parse.GetValue(distillationWeight),
                ContrastiveWeight = parse.GetValue(contrastiveWeight),
                GroupSize = parse.GetValue(groupSize),
                ValidationImages = parse.GetValue(validationImages),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
            };
            return Train(options, parse.GetValue(bundle)!, parse.GetValue(data)!, parse.GetValue(trainSplit)!, parse.GetValue(validationSplit)!,
                parse.GetValue(output)!, parse.GetValue(initFrom));
        }));
        return command;
    }

    static Option<T> Option<T>(string name, string description, T defaultValue) =>
        new(name) { Description = $"{description} ({defaultValue})", DefaultValueFactory = _ => defaultValue };

    static int Train(ShortlistTrainingOptions options, string bundlePath, string dataDir, string trainSplit, string validationSplit, string outputDir,
        string? initFrom)
    {
        options.Validate();
        var start = initFrom is null ? null : ShortlistCheckpoint.Load(initFrom);
        using var runtime = SgrafRuntime.Open(bundlePath, new SgrafRuntimeOptions { IntraOpThreads = 1, ScoreParallelism = options.Threads });
        // Refused before the minutes of encoding, not after.
        if (start is not null) ShortlistTrainer.RequireSameDimensions(start, ShortlistTrainer.HeadConfigFor(options, runtime), initFrom!);
        // Each split's raw features are dropped once encoded: only the embeddings stay for training.
        var (train, validation) = CommandRunner.WithProgress($"encoding the {trainSplit} and {validationSplit} splits", task =>
        {
            task.MaxValue = 2;
            var encodedTrain = EncodedSplit.Encode(runtime, PrecompDataset.Load(dataDir, trainSplit, runtime.Bundle.ImgDim));
            task.Increment(1);
            var encodedValidation = EncodedSplit.Encode(runtime, PrecompDataset.Load(dataDir, validationSplit, runtime.Bundle.ImgDim), options.ValidationImages);
            task.Increment(1);
            return (encodedTrain, encodedValidation);
        });

        using var trainer = new ShortlistTrainer(options, runtime, train, validation);
        if (start is not null) trainer.StartFrom(start, initFrom!);
        Directory.CreateDirectory(outputDir);
        var epochs = new List<ShortlistEpochResult>();
        var initial = trainer.Validate();
        Console.WriteLine(start is null ? $"untrained head: {initial}" : $"head of {initFrom}: {initial}");
        CommandRunner.WithProgress(Describe(options, 0, double.NaN), task =>
        {
            task.MaxValue = options.Epochs * trainer.StepsPerEpoch;
            trainer.StepDone = step =>
            {
                task.Description = Describe(options, step.Epoch, step.Loss.Total);
                task.Increment(1);
            };
            return trainer.Run(epoch =>
            {
                epochs.Add(epoch);
                ShortlistTrainingReport.WriteLog(Path.Combine(outputDir, ShortlistTrainingReport.LogFileName), epochs);
            });
        });
        var best = trainer.Best!;
        new ShortlistCheckpoint(trainer.Head.Config, trainer.BestWeights, new ShortlistProvenance
        {
            Bundle = Path.GetFullPath(bundlePath),
            EmbeddingsHash = runtime.Bundle.EmbeddingsHash,
            Data = Path.GetFullPath(dataDir),
            Epoch = best.Epoch,
            TrainedAt = DateTimeOffset.UtcNow,
        }).Save(outputDir);
        ShortlistTrainingReport.SaveCurves(Path.Combine(outputDir, ShortlistTrainingReport.CurvesFileName), epochs,
            $"shortlist head ({options.Pooling.ToString().ToLowerInvariant()}) on {Path.GetFileName(Path.GetFullPath(dataDir))}");

        foreach (var e in epochs)
            Console.WriteLine($"epoch {e.Epoch}: loss {e.MeanLoss:0.0000} (distillation {e.MeanDistillation:0.0000}, contrastive {e.MeanContrastive:0.0000})  " +
                              $"lr {e.LearningRate:0.######}  {e.Validation}  ({e.Seconds:0.0} s)");
        Console.WriteLine($"best epoch {best.Epoch} ({best.Validation}); head, {ShortlistTrainingReport.LogFileName} and {ShortlistTrainingReport.CurvesFileName} in {outputDir}");
        return CommandRunner.Success;
    }

    static string Describe(ShortlistTrainingOptions options, int epoch, double loss) =>
        $"shortlist epoch {epoch + 1}/{options.Epochs}  loss {(double.IsNaN(loss) ? "-" : loss.ToString("0.000"))}";
}
