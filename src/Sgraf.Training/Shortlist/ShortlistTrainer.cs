using System.Diagnostics;
using System.Numerics.Tensors;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Runtime;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
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
        head = new ShortlistHead(options.HeadConfig([.. teacher.Modules.Select(BundleManifest.ModuleName)], train.InputDim));
        optimizer = optim.Adam(head.parameters(), options.LearningRate);
        validationScores = teacher.Score(validation.Images, validation.Captions);
    }

    public ShortlistHead Head => head;

    /// <summary>Weights of the best epoch so far (by mean validation recall), or of the head as built before any epoch.</summary>
    public Dictionary<string, HostTensor> BestWeights { get; private set; } = [];

    public ShortlistEpochResult? Best { get; private set; }

    /// <summary>Batches per epoch: every image once, a last batch of one image skipped.</summary>
    public int StepsPerEpoch => train.ImageCount / options.BatchImages + (train.ImageCount % options.BatchImages > 1 ? 1 : 0);

    /// <summary>Steps on mined lists per epoch after the first: one list per training image, one per image's caption.</summary>
    public int MinedStepsPerEpoch => options.MinedCandidates == 0 ? 0 : 2 * ((train.ImageCount + options.MinedListsPerStep - 1) / options.MinedListsPerStep);

    public int TotalSteps => options.Epochs * StepsPerEpoch + (options.Epochs - 1) * MinedStepsPerEpoch;

    public Action<ShortlistStep>? StepDone { get; set; }

    public IReadOnlyList<ShortlistEpochResult> Run(Action<ShortlistEpochResult>? epochDone = null)
    {
        BestWeights = ModuleWeights.Save(head);
        var results = new List<ShortlistEpochResult>();
        int totalSteps = TotalSteps, step = 0;
        double learningRate = options.LearningRate;
        void Schedule()
        {
            learningRate = options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step++ / totalSteps));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
        }
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var vectors = epoch == 0 ? default : Vectors(train);
            if (epoch > 0 && options.MinedCandidates > 0)
            {
                var lists = Mine(vectors.Images, vectors.Captions);
                // Image queries train the image tower against caption vectors that stay current (the text tower does not
                // move meanwhile); caption queries then need the image vectors the image tower now gives.
                float[]? imageVectors = null;
                for (int l = 0; l < lists.Count; l++)
                {
                    Schedule();
                    var (batch, queriesAreImages) = lists[l];
                    if (!queriesAreImages) imageVectors ??= Vectors(train).Images;
                    var parts = ListStep(batch, queriesAreImages, queriesAreImages ? vectors.Captions : imageVectors!);
                    StepDone?.Invoke(new ShortlistStep(epoch, l + 1, lists.Count, parts));
                }
            }
            var batches = Batches(epoch, vectors.Images);
            double loss = 0, distillation = 0, contrastive = 0;
            for (int b = 0; b < batches.Count; b++)
            {
                Schedule();
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

    /// <summary>
    /// Mined lists for the epoch, in steps: every training image against the distinct caption texts, and one random
    /// caption of each image against the images, each query's candidates those the head now ranks highest.
    /// </summary>
    List<(List<MinedList> Lists, bool QueriesAreImages)> Mine(float[] imageVectors, float[] captionVectors)
    {
        int perImage = train.Data.CaptionsPerImage, m = options.MinedCandidates;
        var distinctCaptions = train.Captions.Deduplicate();
        var firstCopies = Enumerable.Range(0, train.CaptionCount).GroupBy(j => distinctCaptions.Of[j]).Select(g => g.First()).ToArray();
        var images = Enumerable.Range(0, train.ImageCount).ToArray();
        rng.Shuffle(images);
        var imageLists = MinedLists.Build(imageVectors, captionVectors, options.Dim, images, firstCopies, m,
            i => Enumerable.Range(i * perImage, perImage).Select(j => firstCopies[distinctCaptions.Of[j]]).Distinct());
        var captions = images.Select(i => i * perImage + rng.Next(perImage)).ToArray();
        var captionLists = MinedLists.Build(captionVectors, imageVectors, options.Dim, captions, images.Order().ToArray(), m,
            j => [train.Data.ImageOf(j)]);
        return [.. imageLists.Chunk(options.MinedListsPerStep).Select(c => (c.ToList(), true))
            .Concat(captionLists.Chunk(options.MinedListsPerStep).Select(c => (c.ToList(), false)))];
    }

    /// <summary>
    /// One Adam step on mined lists: the exact scores of each query against its candidates, and the head's, with the
    /// queries encoded by the head (and trained) and the candidates' vectors as of the epoch's start.
    /// </summary>
    ShortlistLossParts ListStep(IReadOnlyList<MinedList> lists, bool queriesAreImages, float[] candidateVectors)
    {
        head.train();
        using var scope = NewDisposeScope();
        int width = lists.Max(l => l.Candidates.Length), dim = options.Dim;
        var exact = new float[lists.Count * width];
        var valid = new bool[lists.Count * width];
        var candidates = new float[lists.Count * width * dim];
        for (int r = 0; r < lists.Count; r++)
        {
            var (query, items) = (lists[r].Query, lists[r].Candidates);
            var scores = queriesAreImages
                ? teacher.Score(train.Images.Select([query]), train.Captions.Select(items)).Values
                : teacher.Score(train.Images.Select(items), train.Captions.Select([query])).Values;
            for (int c = 0; c < items.Length; c++)
            {
                exact[r * width + c] = (float)scores[c];
                valid[r * width + c] = true;
                candidateVectors.AsSpan(items[c] * dim, dim).CopyTo(candidates.AsSpan((r * width + c) * dim));
            }
        }
        var queries = lists.Select(l => l.Query).ToArray();
        torch.Tensor queryVectors;
        if (queriesAreImages)
        {
            var (regions, globals) = train.ImageBatch(queries);
            queryVectors = head.EncodeImages(regions, globals);
        }
        else
        {
            var (words, lengths, globals) = train.CaptionBatch(queries);
            queryVectors = head.EncodeCaptions(words, lengths, globals);
        }
        var similarities = tensor(candidates, [lists.Count, width, dim]).matmul(queryVectors.unsqueeze(2)).squeeze(2);   // (Q, M)
        var loss = ShortlistLoss.ListDistillation(similarities.mul(head.LogitScale()), tensor(exact, [lists.Count, width]),
            tensor(valid, [lists.Count, width]), options.TeacherTemperature);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        double value = loss.item<float>();
        return new ShortlistLossParts(value, value, 0);
    }

    /// <summary>One Adam step on a batch of training images and some of their captions; returns the loss.</summary>
    public ShortlistLossParts TrainStep(IReadOnlyList<int> images)
    {
        head.train();
        using var scope = NewDisposeScope();
        int perImage = train.Data.CaptionsPerImage, take = Math.Min(options.CaptionsPerImage, perImage);
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
        optimizer.step();
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

    List<int[]> Batches(int epoch, float[]? imageVectors)
    {
        List<int[]> batches;
        if (imageVectors is null || options.GroupSize == 1) batches = HardBatches.Random(train.ImageCount, options.BatchImages, rng);
        else
        {
            using var scope = NewDisposeScope();
            batches = HardBatches.Build(tensor(imageVectors, [train.ImageCount, options.Dim]), options.GroupSize, options.BatchImages, rng);
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
