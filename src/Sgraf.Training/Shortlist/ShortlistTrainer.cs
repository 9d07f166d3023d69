using System.Diagnostics;
using System.Numerics.Tensors;
using Sgraf.Inference;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Runtime;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Shortlist;

/// <summary>One optimiser step, for progress reports.</summary>
public readonly record struct ShortlistStep(int Epoch, int Step, int Steps, ShortlistLossParts Loss);

/// <summary>
/// Recall of the validation split after an epoch: the fraction of the exact model's top <c>m</c> inside the head's top
/// <c>k</c>, over every caption (text to image) and every image (image to text) of the split.
/// </summary>
public sealed record ShortlistValidation(double TextToImage, int TextToImageTop, int TextToImageShortlist,
    double ImageToText, int ImageToTextTop, int ImageToTextShortlist)
{
    public double Mean => (TextToImage + ImageToText) / 2;

    public override string ToString() =>
        $"t2i {100 * TextToImage:0.0}% of exact top-{TextToImageTop} in head top-{TextToImageShortlist}, " +
        $"i2t {100 * ImageToText:0.0}% of exact top-{ImageToTextTop} in head top-{ImageToTextShortlist}";
}

public sealed record ShortlistEpochResult(int Epoch, double MeanLoss, double MeanDistillation, double MeanContrastive,
    double LearningRate, ShortlistValidation Validation, double Seconds);

/// <summary>
/// Trains a shortlist head on a bundle's frozen encoders: each step takes a batch of images with some of their
/// captions, scores every image × caption pair with the bundle's exact model (ONNX Runtime; SGRAF when the bundle has
/// both models) and moves the head's cosines towards that ranking (<see cref="ShortlistLoss"/>). Adam with a cosine
/// learning-rate decay; after each epoch the head is validated and the best epoch's weights are kept.
/// </summary>
public sealed class ShortlistTrainer : IDisposable
{
    readonly ShortlistTrainingOptions options;
    readonly SgrafRuntime teacher;
    readonly EncodedSplit train;
    readonly EncodedSplit validation;
    readonly ScoreMatrix validationScores;
    readonly ShortlistHead head;
    readonly optim.Optimizer optimizer;
    readonly Random rng;

    public ShortlistTrainer(ShortlistTrainingOptions options, SgrafRuntime teacher, EncodedSplit train, EncodedSplit validation)
    {
        options.Validate();
        this.options = options;
        this.teacher = teacher;
        this.train = train;
        this.validation = validation;
        set_num_threads(options.Threads);
        random.manual_seed(options.Seed);
        rng = new Random(options.Seed);
        head = new ShortlistHead(HeadConfigFor(options, teacher));
        optimizer = optim.Adam(head.parameters(), options.LearningRate);
        validationScores = teacher.Score(validation.Images, validation.Captions);
    }

    public ShortlistHead Head => head;

    /// <summary>
    /// Starts from a trained head's weights instead of a fresh initialisation, before <see cref="Run"/>: a head trained
    /// for a bundle's earlier encoders is a closer start than random weights when one of its models is trained on.
    /// </summary>
    /// <param name="source">Where the head came from, for the error message.</param>
    public void StartFrom(ShortlistCheckpoint checkpoint, string source)
    {
        RequireSameDimensions(checkpoint, head.Config, source);
        ModuleWeights.Load(head, checkpoint.Weights, "shortlist head");
    }

    /// <summary>The head a run builds: from the options and the bundle alone, so it is known before any split is encoded.</summary>
    public static ShortlistHeadConfig HeadConfigFor(ShortlistTrainingOptions options, SgrafRuntime teacher) =>
        options.HeadConfig([.. teacher.Modules.Select(BundleManifest.ModuleName)], teacher.Modules.Sum(m => teacher.Bundle.Module(m).EmbedSize));

    /// <exception cref="InvalidInputException">The trained head <paramref name="start"/> (from <paramref name="source"/>) has other dimensions than <paramref name="ours"/>.</exception>
    public static void RequireSameDimensions(ShortlistCheckpoint start, ShortlistHeadConfig ours, string source)
    {
        string theirs = start.Config.DimensionsKey(), built = ours.DimensionsKey();
        if (theirs != built)
            throw new InvalidInputException($"{source}: that head is {theirs}, this run builds {built}: give the same --hidden, --dim " +
                                            "and --pooling, on a bundle with the same modules and embed sizes");
    }

    /// <summary>Weights of the best epoch so far (by mean validation recall), or of the head as built before any epoch.</summary>
    public Dictionary<string, HostTensor> BestWeights { get; private set; } = [];

    public ShortlistEpochResult? Best { get; private set; }

    /// <summary>Batches per epoch: every image once, a last batch of one image skipped.</summary>
    public int StepsPerEpoch => train.ImageCount / options.BatchImages + (train.ImageCount % options.BatchImages > 1 ? 1 : 0);

    public Action<ShortlistStep>? StepDone { get; set; }

    public IReadOnlyList<ShortlistEpochResult> Run(Action<ShortlistEpochResult>? epochDone = null)
    {
        BestWeights = ModuleWeights.Save(head);
        var results = new List<ShortlistEpochResult>();
        int totalSteps = options.Epochs * StepsPerEpoch, step = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var batches = Batches(epoch);
            double loss = 0, distillation = 0, contrastive = 0, learningRate = 0;
            for (int b = 0; b < batches.Count; b++, step++)
            {
                learningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                var parts = TrainStep(batches[b]);
                (loss, distillation, contrastive) = (loss + parts.Total, distillation + parts.Distillation, contrastive + parts.Contrastive);
                StepDone?.Invoke(new ShortlistStep(epoch, b + 1, batches.Count, parts));
            }
            var report = Validate();
            var result = new ShortlistEpochResult(epoch + 1, loss / batches.Count, distillation / batches.Count, contrastive / batches.Count,
                learningRate, report, clock.Elapsed.TotalSeconds);
            if (Best is null || report.Mean > Best.Validation.Mean)
            {
                Best = result;
                BestWeights = ModuleWeights.Save(head);
            }
            results.Add(result);
            epochDone?.Invoke(result);
        }
        return results;
    }

    /// <summary>One Adam step on a batch of training images and some of their captions; returns the loss.</summary>
    public ShortlistLossParts TrainStep(IReadOnlyList<int> images)
    {
        head.train();
        using var scope = NewDisposeScope();
        int perImage = train.CaptionsPerImage, take = Math.Min(options.CaptionsPerImage, perImage);
        var captions = images.SelectMany(i =>
        {
            var own = Enumerable.Range(i * perImage, perImage).ToArray();
            rng.Shuffle(own);
            return own.Take(take);
        }).ToArray();
        var exact = teacher.Score(train.Images.Select(images), train.Captions.Select(captions));
        var positives = new bool[images.Count * captions.Length];
        for (int b = 0; b < images.Count; b++)
            for (int c = 0; c < captions.Length; c++) positives[b * captions.Length + c] = c / take == b;

        var (regions, imageGlobals) = train.ImageBatch(images);
        var (words, lengths, captionGlobals) = train.CaptionBatch(captions);
        var cosines = head.EncodeImages(regions, imageGlobals).matmul(head.EncodeCaptions(words, lengths, captionGlobals).t());
        var (loss, parts) = ShortlistLoss.Compute(cosines, head.LogitScale(),
            tensor(exact.Values.Select(v => (float)v).ToArray(), [images.Count, captions.Length]),
            tensor(positives, [images.Count, captions.Length]),
            options.TeacherTemperature, options.DistillationWeight, options.ContrastiveWeight);
        optimizer.zero_grad();
        loss.backward();
        CollectionPause.Run(() => optimizer.step());
        return parts;
    }

    /// <summary>Recall of the exact model's best inside the head's shortlist on the validation images (see <see cref="ShortlistValidation"/>).</summary>
    public ShortlistValidation Validate()
    {
        var (imageVectors, captionVectors) = Vectors(validation);
        int images = validation.ImageCount, captions = validation.CaptionCount;
        // At the 10k-image scale the service shortlists 2% of the gallery for the exact top 10; a small validation split
        // keeps those proportions: the exact top 1% (at least one) inside the head's top 5%.
        int imageTop = Math.Max(1, images / 100), imageShortlist = Math.Max(imageTop, images / 20);
        int captionTop = Math.Clamp(captions / 100, 1, 10), captionShortlist = Math.Max(captionTop, captions / 20);
        double textToImage = Enumerable.Range(0, captions).Average(j => ShortlistRecall.Of(
            Column(validationScores, j), ShortlistRecall.Shortlist(Dots(imageVectors, captionVectors, j), imageShortlist), imageTop));
        double imageToText = Enumerable.Range(0, images).Average(i => ShortlistRecall.Of(
            validationScores.Row(i), ShortlistRecall.Shortlist(Dots(captionVectors, imageVectors, i), captionShortlist), captionTop));
        return new ShortlistValidation(textToImage, imageTop, imageShortlist, imageToText, captionTop, captionShortlist);
    }

    /// <summary>The head's image and caption vectors of a split, (N, P) and (C, P), in eval mode.</summary>
    public (float[] Images, float[] Captions) Vectors(EncodedSplit split)
    {
        head.eval();
        using var _ = no_grad();
        var images = Enumerable.Range(0, split.ImageCount).Chunk(256).SelectMany(chunk =>
        {
            using var scope = NewDisposeScope();
            var (regions, globals) = split.ImageBatch(chunk);
            return head.EncodeImages(regions, globals).data<float>().ToArray();
        }).ToArray();
        var captions = Enumerable.Range(0, split.CaptionCount).Chunk(256).SelectMany(chunk =>
        {
            using var scope = NewDisposeScope();
            var (words, lengths, globals) = split.CaptionBatch(chunk);
            return head.EncodeCaptions(words, lengths, globals).data<float>().ToArray();
        }).ToArray();
        return (images, captions);
    }

    List<int[]> Batches(int epoch)
    {
        List<int[]> batches;
        if (epoch == 0 || options.GroupSize == 1) batches = HardBatches.Random(train.ImageCount, options.BatchImages, rng);
        else
        {
            using var scope = NewDisposeScope();
            var (images, _) = Vectors(train);
            batches = HardBatches.Build(tensor(images, [train.ImageCount, options.Dim]), options.GroupSize, options.BatchImages, rng);
        }
        // A batch of one image has nothing to rank.
        return [.. batches.Where(b => b.Length > 1)];
    }

    static double[] Column(ScoreMatrix scores, int caption) =>
        [.. Enumerable.Range(0, scores.Images).Select(i => scores[i, caption])];

    /// <summary>Dot products of every row of <paramref name="gallery"/> with row <paramref name="query"/> of <paramref name="queries"/>.</summary>
    double[] Dots(float[] gallery, float[] queries, int query)
    {
        int dim = options.Dim;
        var q = queries.AsSpan(query * dim, dim);
        var result = new double[gallery.Length / dim];
        for (int i = 0; i < result.Length; i++) result[i] = TensorPrimitives.Dot(gallery.AsSpan(i * dim, dim), q);
        return result;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        head.Dispose();
    }
}
