using Sgraf.Inference;
using Sgraf.Inference.Runtime;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// How <c>sgraf train-shortlist</c> trains a head; every option of the command, with its default. The defaults were chosen
/// by measuring shortlist recall on a 10,000-image shapes split, and fit the 15-minute budget on 2 cores for the demo
/// (docs/benchmarks.md, "Choosing the head"). For full-size bundles (2 × 1024 features per region) a hidden width of 512
/// halves what the gallery pays per image.
/// </summary>
public sealed record ShortlistTrainingOptions
{
    public int Hidden { get; init; } = 1024;
    public int Dim { get; init; } = 512;
    public ShortlistPooling Pooling { get; init; } = ShortlistPooling.Max;
    public int TextPositions { get; init; } = 64;

    public int Epochs { get; init; } = 30;

    /// <summary>Images per batch; each comes with <see cref="CaptionsPerImage"/> of its captions, and the exact model scores all pairs.</summary>
    public int BatchImages { get; init; } = 128;

    public int CaptionsPerImage { get; init; } = 2;

    /// <summary>Adam's learning rate at the start; it follows a cosine down to 0 over the run.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>τ of softmax(exact score / τ), the distribution the head learns to match; exact scores are in (0, 1).</summary>
    public double TeacherTemperature { get; init; } = 0.01;

    public double DistillationWeight { get; init; } = 1.0;
    public double ContrastiveWeight { get; init; } = 0.1;

    /// <summary>
    /// After the first epoch, batches are built of groups of this many images that the head finds alike, so that the
    /// batch holds the near misses the shortlist must order; 1 keeps batches random.
    /// </summary>
    public int GroupSize { get; init; } = 8;

    /// <summary>Images of the validation split scored exhaustively for the recall reported after each epoch.</summary>
    public int ValidationImages { get; init; } = 200;

    public int Seed { get; init; } = 1;
    public int Threads { get; init; } = Environment.ProcessorCount;

    public ShortlistHeadConfig HeadConfig(IReadOnlyList<string> modules, int inputDim) => new()
    {
        Modules = modules,
        InputDim = inputDim,
        Hidden = Hidden,
        Dim = Dim,
        Pooling = Pooling,
        TextPositions = TextPositions,
    };

    /// <exception cref="InvalidInputException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        Positive(Hidden, "--hidden");
        Positive(Dim, "--dim");
        Positive(TextPositions, "--text-positions");
        Positive(Epochs, "--epochs");
        Positive(ValidationImages, "--validation-images");
        Positive(Threads, "--threads");
        Positive(GroupSize, "--group-size");
        if (BatchImages < 2) throw new InvalidInputException($"--batch-images: needs at least 2 images, got {BatchImages}");
        if (CaptionsPerImage < 1) throw new InvalidInputException($"--captions-per-image: needs at least 1, got {CaptionsPerImage}");
        if (!(LearningRate > 0)) throw new InvalidInputException($"--lr: must be positive, got {LearningRate}");
        if (!(TeacherTemperature > 0)) throw new InvalidInputException($"--teacher-temperature: must be positive, got {TeacherTemperature}");
        if (!(DistillationWeight >= 0) || !(ContrastiveWeight >= 0) || DistillationWeight + ContrastiveWeight == 0)
            throw new InvalidInputException("--distillation-weight and --contrastive-weight: must be non-negative and not both 0");
    }

    static void Positive(int value, string name)
    {
        if (value <= 0) throw new InvalidInputException($"{name}: must be a positive integer, got {value}");
    }
}
