using Sgraf.Inference.Model;
using Sgraf.Training.Model;
using Sgraf.Training.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Training;

/// <summary>
/// The fast step (<see cref="FastGradients"/>) against the plain one (one autograd graph over the batch, as the
/// official code builds it) on a small random model, from the same weights and seed: dropout on, BatchNorm in
/// training mode, captions of mixed lengths, two captions of one image. The loss, every parameter's gradient, the
/// BatchNorm running statistics and the parameters after clipping and Adam must agree to float rounding.
/// </summary>
[Collection(SeededTrainingCollection.Name)]
public sealed class FastGradientsTests
{
    // Image of each caption (0 twice: its two captions are negatives of each other) and caption lengths.
    static readonly int[] ImageOf = [0, 1, 2, 0, 3, 4, 5, 6, 7, 8, 9, 10];
    static readonly long[] Lengths = [5, 3, 7, 5, 4, 7, 3, 6, 5, 2, 8, 5];

    public static TheoryData<SimilarityModule, bool, int, int> Cases => new()
    {
        { SimilarityModule.SGR, true, 1, 0 },    // hardest pairs only
        { SimilarityModule.SGR, true, 2, 0 },
        { SimilarityModule.SGR, false, 2, 0 },   // most pairs inside the margin: caption columns
        { SimilarityModule.SGR, false, 2, FittedSteps },   // a few pairs inside the margin, recomputed
        { SimilarityModule.SGR, false, 1, FittedSteps },
        { SimilarityModule.SAF, true, 1, 0 },    // caption columns, BatchNorm statistics per caption
        { SimilarityModule.SAF, true, 2, 0 },
        { SimilarityModule.SAF, false, 2, 0 },
    };

    // Steps of a large learning rate on the test batch after which a minority of its pairs are inside the margin
    // (checked below), as in the batches of a model that has learned something.
    const int FittedSteps = 30;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fast_step_equals_the_plain_step(SimilarityModule module, bool maxViolation, int threads, int fittedSteps)
    {
        var config = new SgrafConfig { Module = module, VocabSize = 40, ImgDim = 20, WordDim = 12, EmbedSize = 32, SimDim = 16 };
        var options = new TrainingOptions { Module = module, MaxViolation = maxViolation, Threads = threads, GradClip = 2.0 };
        using var _ = NewDisposeScope();
        var batch = RandomBatch(config, seed: 3);
        var plain = Step(config, options with { PlainStep = true }, batch, fittedSteps);
        var fast = Step(config, options, batch, fittedSteps);

        Assert.True(Math.Abs(plain.Loss - fast.Loss) <= 1e-5 * Math.Max(1, Math.Abs(plain.Loss)), $"loss {fast.Loss} vs plain {plain.Loss}");
        Assert.True(plain.Loss > 0.1, $"the batch loss {plain.Loss} leaves little to compare");
        Assert.Equal(plain.Gradients.Keys, fast.Gradients.Keys);
        // Rounding is relative to the step's largest gradient: some gradients are zero in exact arithmetic and noise
        // in both steps (a bias just before a training-mode BatchNorm, which subtracts the batch mean).
        var largest = plain.Gradients.Values.Max(g => g.abs().max().item<float>());
        var rounding = 2e-6 * largest;
        foreach (var (name, expected) in plain.Gradients)
        {
            var scale = expected.abs().max().item<float>();
            var error = expected.sub(fast.Gradients[name]).abs().max().item<float>();
            Assert.True(error <= 1e-4 * scale + rounding, $"{name}: gradient differs by {error:E2} (largest {scale:E2}, of all {largest:E2})");
        }
        Assert.True(plain.Gradients.Values.Count(g => g.abs().max().item<float>() > 1e3 * rounding) > plain.Gradients.Count / 2,
            "most parameters should have a gradient well above rounding");

        // Adam's first step moves each weight by about lr · sign(g): equal wherever g is clear of rounding, and never
        // more than 2 lr apart.
        foreach (var (name, before) in plain.After)
        {
            var moved = fast.After[name].sub(before).abs();
            var gradient = plain.Gradients.TryGetValue(name, out var g) ? g.abs() : zeros_like(before);
            var clear = gradient.gt(100 * rounding);
            var worstClear = moved.masked_select(clear).max_or_zero();
            Assert.True(worstClear <= 1e-3 * options.LearningRate, $"{name}: updated weights differ by {worstClear:E2}");
            Assert.True(moved.max().item<float>() <= 2.001 * options.LearningRate, $"{name}: updated weights differ by more than 2 lr");
        }
        foreach (var (name, expected) in plain.Buffers)
            Assert.True(expected.to_type(ScalarType.Float64).allclose(fast.Buffers[name].to_type(ScalarType.Float64), rtol: 1e-5, atol: 1e-7),
                $"{name}: {fast.Buffers[name].to_type(ScalarType.Float64).data<double>().ToArray().First()} vs plain {expected.to_type(ScalarType.Float64).data<double>().ToArray().First()}");
    }

    [Theory]
    [InlineData(FittedSteps, true)]
    [InlineData(0, false)]
    public void Sgr_recomputes_the_pairs_inside_the_margin_unless_most_pairs_are(int fittedSteps, bool fewPairs)
    {
        var config = new SgrafConfig { Module = SimilarityModule.SGR, VocabSize = 40, ImgDim = 20, WordDim = 12, EmbedSize = 32, SimDim = 16 };
        const double margin = 0.2;
        using var _ = NewDisposeScope();
        var batch = RandomBatch(config, seed: 3);
        var model = NewModel(config, batch, fittedSteps);
        model.train();
        manual_seed(11);   // the dropout masks, drawn again for the chunked run below
        var encoded = EncodedBatch.Encode(model, batch);
        var scores = NonZeroPairGradients.ScoreAll(model.SimilarityEncoder, encoded.Leaves, encoded.Lengths, workers: 1);
        var (_, gradient) = FastGradients.LossGradient(scores, margin, maxViolation: false);
        double share = gradient.count_nonzero().item<long>() / (double)gradient.numel();
        Assert.True(fewPairs == share <= NonZeroPairGradients.MostPairs, $"{share:P1} of the pairs have a gradient");
        Assert.True(share > 0, "no pair has a gradient: nothing to recompute");

        model.zero_grad();   // the fitting steps' last gradients
        var result = NonZeroPairGradients.Backward(model.SimilarityEncoder, encoded, margin, maxViolation: false, workers: 1);
        Assert.Equal(fewPairs, result is not null);
        if (result is not { } whole)
        {
            // Declined: nothing was differentiated, so the columns start from clean leaves.
            Assert.True(encoded.Leaves.Regions.grad is null || encoded.Leaves.Regions.grad.IsInvalid);
            return;
        }
        // The same gradients when the recomputed pairs come in chunks of one or two (a tiny working set).
        var regions = whole.Gradients.Regions!.clone();
        var words = whole.Gradients.Words!.clone();
        var parameters = model.SimilarityEncoder.PairParameters().Where(p => p.grad is not null).Select(p => p.grad!.clone()).ToArray();
        // As in the step test: rounding relative to the largest gradient (some are zero in exact arithmetic).
        var largest = parameters.Max(g => g.abs().max().item<float>());
        manual_seed(11);
        var chunked = EncodedBatch.Encode(model, batch);
        model.zero_grad();
        var inChunks = NonZeroPairGradients.Backward(model.SimilarityEncoder, chunked, margin, maxViolation: false, workers: 1,
            workingSet: 2 * (SgrafConfig.Regions + 8) * config.EmbedSize)!.Value;
        Assert.Equal(whole.Loss, inChunks.Loss);
        Assert.True(SameToRounding(regions, inChunks.Gradients.Regions!), "region gradients differ in chunks");
        Assert.True(SameToRounding(words, inChunks.Gradients.Words!), "word gradients differ in chunks");
        var again = model.SimilarityEncoder.PairParameters().Where(p => p.grad is not null).Select(p => p.grad!).ToArray();
        Assert.Equal(parameters.Length, again.Length);
        for (int k = 0; k < parameters.Length; k++)
            Assert.True(parameters[k].allclose(again[k], rtol: 1e-4, atol: 2e-6 * largest),
                $"pair parameter {k}: gradient differs in chunks by {parameters[k].sub(again[k]).abs().max().item<float>():E2} (its largest {parameters[k].abs().max().item<float>():E2}, of all {largest:E2})");
    }

    // Chunks add the pairs' gradients in another order: equal to float rounding of the largest.
    static bool SameToRounding(Tensor expected, Tensor actual) =>
        expected.allclose(actual, rtol: 1e-5, atol: 2e-6 * expected.abs().max().item<float>());

    [Fact]
    public void Fast_step_is_deterministic_on_two_threads()
    {
        var config = new SgrafConfig { Module = SimilarityModule.SAF, VocabSize = 40, ImgDim = 20, WordDim = 12, EmbedSize = 32, SimDim = 16 };
        var options = new TrainingOptions { Module = SimilarityModule.SAF, Threads = 2 };
        using var _ = NewDisposeScope();
        var batch = RandomBatch(config, seed: 5);
        var first = Step(config, options, batch);
        var second = Step(config, options, batch);
        Assert.Equal(first.Loss, second.Loss);
        foreach (var (name, tensor) in first.After) Assert.True(tensor.eq(second.After[name]).all().item<bool>(), $"{name} differs between two runs");
    }

    sealed record StepResult(double Loss, Dictionary<string, Tensor> Gradients, Dictionary<string, Tensor> After, Dictionary<string, Tensor> Buffers);

    static StepResult Step(SgrafConfig config, TrainingOptions options, TrainingBatch batch, int fittedSteps = 0)
    {
        var model = NewModel(config, batch, fittedSteps);
        set_num_threads(options.Threads!.Value);
        using var runner = new StepRunner(model, options);
        manual_seed(11);   // the dropout masks
        var loss = runner.Gradients(batch);
        var gradients = model.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        runner.Update();
        var after = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone());
        return new StepResult(loss, gradients, after, buffers);
    }

    /// <summary>The test's random model, after <paramref name="fittedSteps"/> plain steps (one thread, Adam 1e-2, loss summed) on the batch.</summary>
    static SgrafModel NewModel(SgrafConfig config, TrainingBatch batch, int fittedSteps)
    {
        manual_seed(7);
        var model = new SgrafModel(config);
        RandomBatchNorm.Apply(model);
        // A larger sim_eval_w spreads the scores over (0, 1), so the hardest negatives are clear of rounding.
        using (no_grad()) model.state_dict()["sim_enc.sim_eval_w.weight"].mul_(5.0);
        if (fittedSteps > 0)
        {
            set_num_threads(1);
            using var fitting = new StepRunner(model, new TrainingOptions
            {
                Module = config.Module, MaxViolation = false, PlainStep = true, LearningRate = 1e-2, Threads = 1,
            });
            for (int step = 0; step < fittedSteps; step++) fitting.Step(batch);
        }
        return model;
    }

    static TrainingBatch RandomBatch(SgrafConfig config, int seed)
    {
        var random = new Random(seed);
        var imageFeatures = Enumerable.Range(0, 11 * SgrafConfig.Regions * config.ImgDim).Select(_ => random.NextSingle()).ToArray();
        var images = tensor(imageFeatures, [11, SgrafConfig.Regions, config.ImgDim]).index_select(0, tensor(ImageOf.Select(i => (long)i).ToArray()));
        var captions = Lengths.Select(length => Enumerable.Range(0, (int)length)
            .Select(t => t == 0 ? 1 : t == length - 1 ? 2 : random.Next(4, config.VocabSize)).ToArray()).ToArray();
        var (ids, lengths) = TokenBatch.Pad(captions);
        return new TrainingBatch(images, ids, lengths, Lengths);
    }
}

file static class TensorExtensions
{
    public static double max_or_zero(this Tensor values) => values.numel() == 0 ? 0 : values.max().item<float>();
}
