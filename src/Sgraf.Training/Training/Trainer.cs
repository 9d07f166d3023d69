using Sgraf.Inference;
using Sgraf.Inference.Evaluation;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;
using Sgraf.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// The official training recipe (spec §10, train.py): Adam over txt_enc, img_enc and sim_enc; the learning rate
/// set at each epoch start to lr0 · 0.1^⌊epoch / lr_update⌋; the VSE++ hardest-negative loss on batches of
/// captions with their images; total gradient norm clipped every step; validation rsum on dev after every epoch
/// (and every val_step iterations); <c>checkpoint_{epoch}</c> saved every epoch and copied to <c>model_best</c>
/// when rsum improves.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string BestFolder = "model_best";

    readonly TrainingOptions options;
    readonly TrainingData data;
    readonly string outputDir;
    readonly Device device;
    readonly SgrafModel model;
    readonly StepRunner stepRunner;
    int epochsDone;
    long iteration;
    double bestRsum;

    /// <summary>A fresh model initialised from <see cref="TrainingOptions.Seed"/>, or the run saved in <paramref name="resumeFrom"/>.</summary>
    /// <param name="resumeFrom">A <c>checkpoint_N</c> folder written by a previous run; its model must match the options.</param>
    /// <exception cref="InvalidInputException">Bad options, no CUDA, or a checkpoint that does not fit.</exception>
    /// <param name="freshOptimizer">
    /// True: take the checkpoint's weights, epochs done and best rsum, but start Adam afresh, for checkpoints shipped
    /// without optimizer state (models/flickr8k-*/model_best). Training goes on, but not bit-exactly as the stopped run would have.
    /// </param>
    public Trainer(TrainingOptions options, TrainingData data, string outputDir, string? resumeFrom = null, bool freshOptimizer = false)
        : this(options, data, outputDir, resumeFrom, startFrom: null, freshOptimizer)
    {
    }

    /// <summary>Trains <paramref name="startFrom"/> (its weights, moved to the options' device) from epoch 0 with a fresh optimiser.</summary>
    public Trainer(TrainingOptions options, TrainingData data, string outputDir, SgrafModel startFrom)
        : this(options, data, outputDir, resumeFrom: null, startFrom, freshOptimizer: true)
    {
    }

    Trainer(TrainingOptions options, TrainingData data, string outputDir, string? resumeFrom, SgrafModel? startFrom, bool freshOptimizer)
    {
        options.Validate();
        this.options = options;
        this.data = data;
        this.outputDir = outputDir;
        if (options.Device == "cuda" && !cuda.is_available())
            throw new InvalidInputException("--device cuda: no CUDA device is available to this build of libtorch");
        device = new Device(options.Device);
        if (options.Threads is { } threads) set_num_threads(threads);

        var config = options.ModelConfig(data.Train.ImageDim, data.Vocabulary.Count);
        random.manual_seed(options.Seed);
        if (startFrom is not null)
        {
            if (startFrom.Config != config)
                throw new InvalidInputException(
                    $"the starting model ({Describe(startFrom.Config)}) is not the one these options and data describe ({Describe(config)})");
            model = startFrom;
        }
        else if (resumeFrom is null)
        {
            model = new SgrafModel(config);
            if (options.StandardiseImages) ImageStandardisation.Fold(model, data.Train);
        }
        else
        {
            var checkpoint = ModelCheckpoint.Load(resumeFrom);
            if (checkpoint.Config != config)
                throw new InvalidInputException(
                    $"{resumeFrom}: the checkpoint's model ({Describe(checkpoint.Config)}) is not the one these options and data describe ({Describe(config)})");
            model = ModelSource.Instantiate(checkpoint);
        }
        model.to(device);
        stepRunner = new StepRunner(model, options);
        if (resumeFrom is not null)
        {
            var state = TrainingState.Load(resumeFrom, withOptimizer: !freshOptimizer);
            if (!freshOptimizer) TrainingState.LoadOptimizer(resumeFrom, stepRunner.Optimizer);
            (epochsDone, iteration, bestRsum) = (state.Epoch, state.Iteration, state.BestRsum);
        }
    }

    public SgrafModel Model => model;
    public int EpochsDone => epochsDone;
    public int StepsPerEpoch => (data.Train.CaptionCount + options.BatchSize - 1) / options.BatchSize;

    /// <summary>Called after every optimiser step.</summary>
    public Action<TrainingStep>? StepDone { get; set; }

    /// <summary>Called with the iteration and the result of each mid-epoch validation (every val_step iterations).</summary>
    public Action<long, RetrievalReport>? Validated { get; set; }

    /// <summary>Called after each epoch's checkpoint is written.</summary>
    public Action<EpochResult>? EpochDone { get; set; }

    /// <summary>Trains from the epoch after the last one done up to <see cref="TrainingOptions.NumEpochs"/>.</summary>
    public IReadOnlyList<EpochResult> Run()
    {
        var results = new List<EpochResult>();
        while (epochsDone < options.NumEpochs) results.Add(RunEpoch());
        return results;
    }

    EpochResult RunEpoch()
    {
        int epoch = epochsDone;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var learningRate = options.LearningRateAt(epoch);
        foreach (var group in stepRunner.Optimizer.ParamGroups) group.LearningRate = learningRate;
        stepRunner.MaxViolation = options.MaxViolationAt(epoch);
        // Reseeded per epoch from (seed, epoch) so a resumed run draws the same shuffle and dropout masks.
        var epochSeed = options.Seed * 1_000_003L + epoch;
        random.manual_seed(epochSeed);
        var order = Shuffle(data.Train.CaptionCount, new Random(unchecked((int)epochSeed ^ (int)(epochSeed >> 32))));

        double lossSum = 0;
        int steps = StepsPerEpoch;
        for (int step = 0; step < steps; step++)
        {
            var batch = order.AsSpan(step * options.BatchSize, Math.Min(options.BatchSize, order.Length - step * options.BatchSize)).ToArray();
            var loss = TrainStep(batch);
            lossSum += loss;
            iteration++;
            StepDone?.Invoke(new TrainingStep(epoch, step + 1, steps, iteration, loss, batch.Length));
            if (iteration % options.ValStep == 0) Validated?.Invoke(iteration, Validate());
        }

        var report = Validate();
        var isBest = report.Rsum > bestRsum;
        bestRsum = Math.Max(report.Rsum, bestRsum);
        epochsDone = epoch + 1;
        SaveCheckpoint(isBest);
        var result = new EpochResult(epochsDone, lossSum / steps, learningRate, report, clock.Elapsed.TotalSeconds);
        EpochDone?.Invoke(result);
        return result;
    }

    /// <summary>One Adam step on the given captions (each with its image); returns the batch loss.</summary>
    public double TrainStep(IReadOnlyList<int> captionIndices)
    {
        using var scope = NewDisposeScope();
        return stepRunner.Step(TrainingBatch.Assemble(data.Train, data.TrainIds, captionIndices, device));
    }

    /// <summary>Scores dev (eval mode) and returns its recalls and rsum.</summary>
    public RetrievalReport Validate() =>
        RetrievalEvaluation.Evaluate(SplitScorer.Score(model, data.Dev, data.DevIds), data.Dev.CaptionsPerImage);

    void SaveCheckpoint(bool isBest)
    {
        var folder = Path.Combine(outputDir, $"checkpoint_{epochsDone}");
        var weights = ModelWeights.FromFlat(ModuleWeights.Save(model), folder);
        new ModelCheckpoint(model.Config, weights, new CheckpointProvenance
        {
            SourceFile = Path.GetFullPath(outputDir),
            SourceFormat = "sgraf train",
            Epoch = epochsDone,
            BestRsum = bestRsum,
            ImportedAt = DateTimeOffset.UtcNow,
        }).Save(folder);
        new TrainingState { Epoch = epochsDone, Iteration = iteration, BestRsum = bestRsum, Options = options }.Save(folder, stepRunner.Optimizer);
        if (!isBest) return;
        var best = Path.Combine(outputDir, BestFolder);
        Directory.CreateDirectory(best);
        foreach (var file in Directory.GetFiles(folder)) File.Copy(file, Path.Combine(best, Path.GetFileName(file)), overwrite: true);
    }

    static int[] Shuffle(int count, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    static string Describe(Inference.Model.SgrafConfig c) =>
        $"{c.Module}, vocab {c.VocabSize}, img {c.ImgDim}, word {c.WordDim}, embed {c.EmbedSize}, sim {c.SimDim}, sgr_step {c.SgrStep}, " +
        $"layers {c.NumLayers}, bi_gru {c.BiGru}, no_imgnorm {c.NoImgNorm}, no_txtnorm {c.NoTxtNorm}";

    public void Dispose()
    {
        stepRunner.Dispose();
        model.Dispose();
    }
}
