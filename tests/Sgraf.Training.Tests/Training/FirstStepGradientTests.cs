using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Training;

/// <summary>
/// One training step from the official fixture weights, checked against an independent derivation: the loss
/// gradient of chosen weights by central finite differences in float64, and Adam's first update from it.
/// Dropout is set to 0 so the training-mode forward is deterministic; BatchNorm stays in training mode
/// (batch statistics), as in real training.
/// </summary>
public sealed class FirstStepGradientTests(FixtureTrainingData fixture) : IClassFixture<FixtureTrainingData>
{
    static readonly int[] Batch = [0, 1, 2, 3, 4, 5, 6, 7];   // captions 0–4 of image 0 and 5–7 of image 1

    /// <summary>Index −1: the parameter's entry with the largest gradient; others are fixed entries, some with tiny gradients.</summary>
    public static TheoryData<string, string, long> Entries => new()
    {
        { "SGR", "sim_enc.sim_eval_w.weight", -1 },
        { "SGR", "sim_enc.sim_tranloc_w.weight", 17 },
        { "SGR", "sim_enc.SGR_module.1.graph_query_w.weight", 40 },
        { "SGR", "sim_enc.v_global_w.embedding_local.0.weight", 101 },
        { "SGR", "txt_enc.cap_rnn.weight_hh_l0", 250 },
        { "SGR", "img_enc.fc.weight", 77 },
        { "SAF", "sim_enc.sim_eval_w.weight", 5 },
        { "SAF", "sim_enc.SAF_module.attn_sim_w.weight", 2 },
        { "SAF", "sim_enc.sim_tranglo_w.weight", 9 },
        { "SAF", "txt_enc.cap_rnn.weight_ih_l0_reverse", 33 },
        { "SAF", "img_enc.fc.weight", 200 },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Autograd_gradient_matches_finite_differences_and_Adam_takes_the_first_step_from_it(string module, string name, long index)
    {
        var options = FixtureTrainingData.SmallOptions(module);
        using var _ = NewDisposeScope();

        // Independent derivation in float64.
        using var reference = Load(module);
        reference.to(ScalarType.Float64);
        var parameter = reference.named_parameters().Single(p => p.name == name).parameter;
        using (var loss = Loss(reference, options)) loss.backward();
        if (index < 0) index = parameter.grad!.flatten().abs().argmax().item<long>();
        var autograd = parameter.grad!.flatten()[index].item<double>();
        var finiteDifference = CentralDifference(reference, options, parameter, index, step: 1e-6);
        Assert.True(Math.Abs(autograd - finiteDifference) <= 1e-6 * Math.Max(1, Math.Abs(finiteDifference)),
            $"{name}[{index}]: autograd {autograd:R}, finite differences {finiteDifference:R}");
        Assert.True(Math.Abs(finiteDifference) > 1e-9, $"{name}[{index}] has no gradient to check the step with");
        var totalNorm = Math.Sqrt(reference.parameters().Sum(p => p.grad is null ? 0 : p.grad.pow(2).sum().item<double>()));
        var clip = Math.Min(1, options.GradClip / (totalNorm + 1e-6));

        // The trainer's float32 step. Adam's first update is −lr · m̂ / (√v̂ + eps) with m̂ = c·g and v̂ = (c·g)²
        // after bias correction, c the clipping factor: −lr · sign(g) unless |c·g| is near eps = 1e-8, as for some entries here.
        var model = Load(module);
        var before = model.named_parameters().Single(p => p.name == name).parameter.flatten()[index].item<float>();
        using var trainer = new Trainer(options, fixture.Data, fixture.NewFolder($"step-{module}-{name}-{index}"), model);
        trainer.TrainStep(Batch);
        var after = model.named_parameters().Single(p => p.name == name).parameter.flatten()[index].item<float>();
        var clipped = clip * finiteDifference;
        var expected = -options.LearningRate * clipped / (Math.Abs(clipped) + 1e-8);
        Assert.True(Math.Abs((after - (double)before) - expected) < 2e-8 + 1e-3 * options.LearningRate,
            $"{name}[{index}]: moved by {after - (double)before:R}, expected {expected:R}");
    }

    [Fact]
    public void Clipping_bounds_the_total_gradient_norm_of_a_step()
    {
        // The fixture's weights (sim_eval_w ×5) give a large first gradient, so clipping is active here.
        using var model = Load("SGR");
        var options = FixtureTrainingData.SmallOptions("SGR");
        using (var loss = Loss(model, options)) loss.backward();
        var norm = Math.Sqrt(model.parameters().Sum(p => p.grad is null ? 0 : p.grad.pow(2).sum().item<float>()));
        Assert.True(norm > options.GradClip, $"total gradient norm {norm} does not exercise clipping");
        var clipped = nn.utils.clip_grad_norm_(model.parameters(), options.GradClip);
        var after = Math.Sqrt(model.parameters().Sum(p => p.grad is null ? 0 : p.grad.pow(2).sum().item<float>()));
        Assert.Equal(options.GradClip, after, 4);
        Assert.Equal(norm, clipped, 3);
    }

    [Fact]
    public void Dropout_can_be_switched_off_in_training_mode()
    {
        using var model = Load("SGR");
        var options = FixtureTrainingData.SmallOptions("SGR");
        using var first = Loss(model, options);
        using var second = Loss(model, options);
        Assert.Equal(first.item<float>(), second.item<float>());
    }

    static SgrafModel Load(string module)
    {
        var model = ModelSource.LoadModel(OfficialFixture.Checkpoint(module));
        model.SetDropout(0);
        model.train();
        return model;
    }

    Tensor Loss(SgrafModel model, TrainingOptions options)
    {
        using var scope = NewDisposeScope();
        var batch = TrainingBatch.Assemble(fixture.Data.Train, fixture.Data.TrainIds, Batch, CPU);
        var dtype = model.parameters().First().dtype;
        var scores = model.Score(model.EncodeImages(batch.Images.to(dtype)), model.EncodeCaptions(batch.TokenIds, batch.Lengths), batch.LengthArray);
        return ContrastiveLoss.Compute(scores, options.Margin, options.MaxViolation).MoveToOuterDisposeScope();
    }

    double CentralDifference(SgrafModel model, TrainingOptions options, Tensor parameter, long index, double step)
    {
        double LossWith(double delta)
        {
            using var _ = no_grad();
            var flat = parameter.view(-1);
            var original = flat[index].item<double>();
            flat[index] = original + delta;
            using var loss = Loss(model, options);
            flat[index] = original;
            return loss.item<double>();
        }
        return (LossWith(step) - LossWith(-step)) / (2 * step);
    }
}
