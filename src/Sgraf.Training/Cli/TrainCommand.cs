using System.CommandLine;
using System.Diagnostics;
using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Inference.Text;
using Sgraf.Training.Training;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf train</c>: the official training recipe (spec §10) on a precomp folder's train and dev splits. Writes
/// checkpoint_N folders, model_best, training_log.csv (after every epoch) and training_curves.png into --out.
/// With --resume (or --continue-from) the saved run's options are the defaults, and options given here override them.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder holding train_ims.npy, train_caps.txt, dev_ims.npy, dev_caps.txt", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for checkpoints, the CSV log and the curves", Required = true };
        var module = new Option<string?>("--model") { Description = "sgr or saf (official module_name; required unless resuming)" };
        var vocab = new Option<string?>("--vocab") { Description = "Vocabulary JSON (default: found next to the data, as the official layout has it)" };
        var resume = new Option<string?>("--resume") { Description = "A checkpoint_N folder of an earlier run: continue it exactly" };
        var continueFrom = new Option<string?>("--continue-from")
        {
            Description = "A checkpoint without optimizer state (a shipped model_best): train on from its weights and epoch count with a fresh Adam",
        };
        var dataName = Text("--data-name", "official data_name, recorded in the training state (f30k_precomp)");
        var batchSize = Value<int>("--batch-size", "captions per training batch, each with its image (128)");
        var numEpochs = Value<int>("--num-epochs", "epochs to train in all (40)");
        var lrUpdate = Value<int>("--lr-update", "epochs between 10x learning-rate decays (30)");
        var learningRate = Value<double>("--learning-rate", "initial Adam learning rate (2e-4)");
        var gradClip = Value<double>("--grad-clip", "total gradient-norm clip, 0 for none (2.0)");
        var margin = Value<double>("--margin", "ranking-loss margin (0.2)");
        var maxViolation = Value<bool>("--max-violation", "true: hardest negative only; false: sum over all negatives (true)");
        var wordDim = Value<int>("--word-dim", "word embedding size (300)");
        var embedSize = Value<int>("--embed-size", "joint embedding size (1024)");
        var simDim = Value<int>("--sim-dim", "similarity vector size (256)");
        var numLayers = Value<int>("--num-layers", "GRU layers (1)");
        var biGru = Value<bool>("--bi-gru", "bidirectional GRU (true)");
        var noImgNorm = Value<bool>("--no-imgnorm", "skip l2-normalising region embeddings (false)");
        var noTxtNorm = Value<bool>("--no-txtnorm", "skip l2-normalising word embeddings (false)");
        var sgrStep = Value<int>("--sgr-step", "graph reasoning steps of SGR (3)");
        var logStep = Value<int>("--log-step", "iterations between progress-line loss updates (10)");
        var valStep = Value<int>("--val-step", "iterations between mid-epoch validations (1000)");
        var workers = Value<int>("--workers", "official data-loader workers; accepted, not used (10)");
        var device = Text("--device", "cpu or cuda (cpu)");
        var threads = Value<int>("--threads", "torch intra-op threads, and the threads a step's image-caption pairs run on (libtorch's default)");
        var plainStep = Value<bool>("--plain-step", "true: gradients from one autograd graph over the batch, as the official code builds it (same maths, slower; for comparison) (false)");
        var bfloat16 = Value<bool>("--bfloat16", "true: training steps take their large matrix products in bfloat16, on CPUs with AVX-512 BF16 or AMX (false)");
        var warmupEpochs = Value<int>("--warmup-epochs", "epochs at the start with the loss summed over all negatives before --max-violation applies (0)");
        var standardiseImages = Value<bool>("--standardise-images", "true: a fresh model starts with the training regions' per-channel mean and deviation folded into its image fc (false)");
        var seed = Value<long>("--seed", "seed of initialisation, shuffling and dropout (0)");

        var command = new Command("train", "Train an SGR or SAF model with the official recipe")
        {
            data, output, module, vocab, resume, continueFrom, dataName, batchSize, numEpochs, lrUpdate, learningRate, gradClip, margin,
            maxViolation, wordDim, embedSize, simDim, numLayers, biGru, noImgNorm, noTxtNorm, sgrStep, logStep, valStep,
            workers, device, threads, plainStep, bfloat16, warmupEpochs, standardiseImages, seed,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var (resumeFrom, freshOptimizer) = (parse.GetValue(resume), parse.GetValue(continueFrom)) switch
            {
                ({ } exact, { }) => throw new InvalidInputException($"--resume {exact} and --continue-from: give one of them"),
                ({ } exact, null) => (exact, false),
                (null, { } weights) => (weights, true),
                _ => ((string?)null, false),
            };
            var basis = resumeFrom is null ? new TrainingOptions() : TrainingState.Load(resumeFrom, withOptimizer: !freshOptimizer).Options;
            var moduleName = parse.GetValue(module);
            if (resumeFrom is null && moduleName is null) throw new InvalidInputException("--model is required (sgr or saf) unless resuming");
            var options = basis with
            {
                Module = moduleName is null ? basis.Module : ParseModule(moduleName),
                DataName = parse.GetValue(dataName) ?? basis.DataName,
                BatchSize = parse.GetValue(batchSize) ?? basis.BatchSize,
                NumEpochs = parse.GetValue(numEpochs) ?? basis.NumEpochs,
                LrUpdate = parse.GetValue(lrUpdate) ?? basis.LrUpdate,
                LearningRate = parse.GetValue(learningRate) ?? basis.LearningRate,
                GradClip = parse.GetValue(gradClip) ?? basis.GradClip,
                Margin = parse.GetValue(margin) ?? basis.Margin,
                MaxViolation = parse.GetValue(maxViolation) ?? basis.MaxViolation,
                WordDim = parse.GetValue(wordDim) ?? basis.WordDim,
                EmbedSize = parse.GetValue(embedSize) ?? basis.EmbedSize,
                SimDim = parse.GetValue(simDim) ?? basis.SimDim,
                NumLayers = parse.GetValue(numLayers) ?? basis.NumLayers,
                BiGru = parse.GetValue(biGru) ?? basis.BiGru,
                NoImgNorm = parse.GetValue(noImgNorm) ?? basis.NoImgNorm,
                NoTxtNorm = parse.GetValue(noTxtNorm) ?? basis.NoTxtNorm,
                SgrStep = parse.GetValue(sgrStep) ?? basis.SgrStep,
                LogStep = parse.GetValue(logStep) ?? basis.LogStep,
                ValStep = parse.GetValue(valStep) ?? basis.ValStep,
                Workers = parse.GetValue(workers) ?? basis.Workers,
                Device = parse.GetValue(device) ?? basis.Device,
                Threads = parse.GetValue(threads) ?? basis.Threads,
                PlainStep = parse.GetValue(plainStep) ?? basis.PlainStep,
                BFloat16 = parse.GetValue(bfloat16) ?? basis.BFloat16,
                WarmupEpochs = parse.GetValue(warmupEpochs) ?? basis.WarmupEpochs,
                StandardiseImages = parse.GetValue(standardiseImages) ?? basis.StandardiseImages,
                Seed = parse.GetValue(seed) ?? basis.Seed,
            };
            return Train(options, parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(vocab), resumeFrom, freshOptimizer);
        }));
        return command;
    }

    // Nullable so that "not given" is visible: on resume only the options given override the saved run.
    static Option<T?> Value<T>(string name, string description) where T : struct => new(name) { Description = description };
    static Option<string?> Text(string name, string description) => new(name) { Description = description };

    static SimilarityModule ParseModule(string name) => name.ToUpperInvariant() switch
    {
        "SGR" => SimilarityModule.SGR,
        "SAF" => SimilarityModule.SAF,
        _ => throw new InvalidInputException($"--model must be sgr or saf, got '{name}'"),
    };

    static int Train(TrainingOptions options, string dataDir, string outputDir, string? vocabPath, string? resumeFrom, bool freshOptimizer)
    {
        options.Validate();
        var vocabulary = Vocabulary.Load(vocabPath ?? VocabularyLocator.Find(dataDir));
        var data = TrainingData.Load(dataDir, vocabulary);
        Directory.CreateDirectory(outputDir);
        using var trainer = new Trainer(options, data, outputDir, resumeFrom, freshOptimizer);

        var logPath = Path.Combine(outputDir, TrainingLog.FileName);
        var epochs = EarlierEpochs(resumeFrom, logPath, trainer.EpochsDone);
        var remaining = (options.NumEpochs - trainer.EpochsDone) * trainer.StepsPerEpoch;
        CommandRunner.WithProgress(Describe(options, trainer.EpochsDone, double.NaN, 0), task =>
        {
            task.MaxValue = Math.Max(1, remaining);
            var clock = Stopwatch.StartNew();
            long captions = 0;
            double recentLoss = double.NaN;
            trainer.StepDone = step =>
            {
                captions += step.Captions;
                if (step.Iteration % options.LogStep == 0 || step.Step == 1) recentLoss = step.Loss;
                task.Description = Describe(options, step.Epoch, recentLoss, captions / clock.Elapsed.TotalSeconds);
                task.Increment(1);
            };
            trainer.EpochDone = epoch =>
            {
                epochs.Add(epoch);
                TrainingLog.Write(logPath, epochs);
            };
            return trainer.Run();
        });
        TrainingCurves.Save(Path.Combine(outputDir, TrainingCurves.FileName), epochs, $"{options.Module} on {Path.GetFileName(Path.GetFullPath(dataDir))}");

        foreach (var e in epochs)
            Console.WriteLine($"epoch {e.Epoch}: loss {e.MeanLoss:0.0000}  lr {e.LearningRate:0.######}  rsum {e.Validation.Rsum:0.00}  ({e.Seconds:0.0} s)");
        Console.WriteLine($"checkpoints, {TrainingLog.FileName} and {TrainingCurves.FileName} in {outputDir}");
        return CommandRunner.Success;
    }

    // The log of the epochs before the checkpoint, so the curves cover the whole run: the one in --out where the run
    // goes on in its own folder, else the one next to the checkpoint (a shipped model's folder holds model_best and its log).
    static List<EpochResult> EarlierEpochs(string? resumeFrom, string logPath, int epochsDone)
    {
        if (resumeFrom is null) return [];
        var besideCheckpoint = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(resumeFrom)))!, TrainingLog.FileName);
        var source = File.Exists(logPath) ? logPath : File.Exists(besideCheckpoint) ? besideCheckpoint : null;
        return source is null ? [] : TrainingLog.Read(source).Where(e => e.Epoch <= epochsDone).ToList();
    }

    static string Describe(TrainingOptions options, int epoch, double loss, double captionsPerSecond) =>
        $"epoch {epoch + 1}/{options.NumEpochs}  loss {(double.IsNaN(loss) ? "-" : loss.ToString("0.000"))}  {captionsPerSecond:0} captions/s";
}
