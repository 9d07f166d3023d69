using System.Text.Json.Serialization;
using Sgraf.Inference;
using Sgraf.Inference.Model;

namespace Sgraf.Training.Training;

/// <summary>
/// Every option of the official opts.py with its official default (spec §1), named as opts.py names them so a
/// saved training state reads like the official command line, plus what a reproducible run needs (device,
/// threads, seed). Architecture sizes that the data decides (img_dim, vocab_size) are not options here.
/// </summary>
public sealed record TrainingOptions
{
    [JsonPropertyName("data_name")] public string DataName { get; init; } = "f30k_precomp";
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 128;
    [JsonPropertyName("num_epochs")] public int NumEpochs { get; init; } = 40;
    [JsonPropertyName("lr_update")] public int LrUpdate { get; init; } = 30;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 2e-4;
    [JsonPropertyName("grad_clip")] public double GradClip { get; init; } = 2.0;
    [JsonPropertyName("margin")] public double Margin { get; init; } = 0.2;
    [JsonPropertyName("max_violation")] public bool MaxViolation { get; init; } = true;
    [JsonPropertyName("word_dim")] public int WordDim { get; init; } = 300;
    [JsonPropertyName("embed_size")] public int EmbedSize { get; init; } = 1024;
    [JsonPropertyName("sim_dim")] public int SimDim { get; init; } = 256;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 1;
    [JsonPropertyName("bi_gru")] public bool BiGru { get; init; } = true;
    [JsonPropertyName("no_imgnorm")] public bool NoImgNorm { get; init; }
    [JsonPropertyName("no_txtnorm")] public bool NoTxtNorm { get; init; }
    [JsonPropertyName("module_name")] public SimilarityModule Module { get; init; } = SimilarityModule.SGR;
    [JsonPropertyName("sgr_step")] public int SgrStep { get; init; } = 3;
    [JsonPropertyName("log_step")] public int LogStep { get; init; } = 10;
    [JsonPropertyName("val_step")] public int ValStep { get; init; } = 1000;

    /// <summary>Data-loader processes in the official code; accepted for a familiar command line, not used.</summary>
    [JsonPropertyName("workers")] public int Workers { get; init; } = 10;

    /// <summary>"cpu" or "cuda".</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";

    /// <summary>Torch intra-op threads; null leaves libtorch's default.</summary>
    [JsonPropertyName("threads")] public int? Threads { get; init; }

    /// <summary>
    /// Gradients from one autograd graph over the whole batch, as the official code builds it, instead of the fast
    /// path (<see cref="FastGradients"/>); the same maths, slower. For comparison and benchmarks.
    /// </summary>
    [JsonPropertyName("plain_step")] public bool PlainStep { get; init; }

    /// <summary>
    /// Training steps take their large matrix products in bfloat16 with float32 sums (<see cref="Model.ProductPrecision"/>);
    /// validation and everything else stay float32. Needs a CPU with AVX-512 BF16 or AMX. Off by default: it is not the
    /// official numerics.
    /// </summary>
    [JsonPropertyName("bfloat16")] public bool BFloat16 { get; init; }

    /// <summary>
    /// Epochs at the start that take the loss summed over all negatives before <see cref="MaxViolation"/> applies
    /// (a warm-up: hardest negatives from scratch learn slowly on small data). 0, the official recipe, by default.
    /// </summary>
    [JsonPropertyName("warmup_epochs")] public int WarmupEpochs { get; init; }

    /// <summary>
    /// A fresh model starts with the training regions' per-channel standardisation folded into its image fc
    /// (<see cref="ImageStandardisation"/>). Off by default: the official initialisation.
    /// </summary>
    [JsonPropertyName("standardise_images")] public bool StandardiseImages { get; init; }

    /// <summary>Whether a 0-based epoch takes the hardest negative only (after the warm-up, when max_violation is set).</summary>
    public bool MaxViolationAt(int epoch) => MaxViolation && epoch >= WarmupEpochs;

    /// <summary>Seeds dropout and the per-epoch shuffle, so a run (and a resumed run) is reproducible.</summary>
    [JsonPropertyName("seed")] public long Seed { get; init; }

    /// <summary>The learning rate of a 0-based epoch: lr0 · 0.1^⌊epoch / lr_update⌋ (official adjust_learning_rate).</summary>
    public double LearningRateAt(int epoch) => LearningRate * Math.Pow(0.1, epoch / LrUpdate);

    /// <summary>The model these options train, for data with <paramref name="imgDim"/> features and a vocabulary of <paramref name="vocabSize"/> words.</summary>
    public SgrafConfig ModelConfig(int imgDim, int vocabSize) => new()
    {
        Module = Module,
        VocabSize = vocabSize,
        ImgDim = imgDim,
        WordDim = WordDim,
        EmbedSize = EmbedSize,
        SimDim = SimDim,
        SgrStep = SgrStep,
        NumLayers = NumLayers,
        BiGru = BiGru,
        NoImgNorm = NoImgNorm,
        NoTxtNorm = NoTxtNorm,
    };

    /// <exception cref="InvalidInputException">Names the first option (as the command line spells it) that cannot work.</exception>
    public void Validate()
    {
        Positive(BatchSize, "--batch-size");
        Positive(NumEpochs, "--num-epochs");
        Positive(LrUpdate, "--lr-update");
        Positive(WordDim, "--word-dim");
        Positive(EmbedSize, "--embed-size");
        Positive(SimDim, "--sim-dim");
        Positive(NumLayers, "--num-layers");
        Positive(SgrStep, "--sgr-step");
        Positive(LogStep, "--log-step");
        Positive(ValStep, "--val-step");
        if (BatchSize < 2) throw new InvalidInputException("--batch-size must be at least 2: the loss needs negatives in the batch");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new InvalidInputException($"--learning-rate must be a positive number, got {LearningRate}");
        if (!(GradClip >= 0) || double.IsInfinity(GradClip))
            throw new InvalidInputException($"--grad-clip must be 0 (no clipping) or a positive number, got {GradClip}");
        if (!double.IsFinite(Margin)) throw new InvalidInputException($"--margin must be a finite number, got {Margin}");
        if (!Enum.IsDefined(Module)) throw new InvalidInputException($"--model must be sgr or saf, got {Module}");
        if (WarmupEpochs < 0) throw new InvalidInputException($"--warmup-epochs must not be negative, got {WarmupEpochs}");
        if (Workers < 0) throw new InvalidInputException($"--workers must not be negative, got {Workers}");
        if (Threads is { } threads && threads <= 0) throw new InvalidInputException($"--threads must be a positive integer, got {threads}");
        if (Device is not ("cpu" or "cuda")) throw new InvalidInputException($"--device must be cpu or cuda, got '{Device}'");
    }

    static void Positive(int value, string option)
    {
        if (value <= 0) throw new InvalidInputException($"{option} must be a positive integer, got {value}");
    }
}
