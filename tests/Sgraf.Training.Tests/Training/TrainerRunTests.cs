using Sgraf.Inference;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Training;

namespace Sgraf.Training.Tests.Training;

/// <summary>The whole recipe on the fixture data: checkpoints, best model, log, curves, and exact resume.</summary>
[Collection(SeededTrainingCollection.Name)]
public sealed class TrainerRunTests(FixtureTrainingData fixture) : IClassFixture<FixtureTrainingData>
{
    [Fact]
    public void Two_epochs_write_every_artefact_and_a_resumed_run_ends_with_the_same_weights()
    {
        var options = FixtureTrainingData.SmallOptions();
        var straight = fixture.NewFolder("straight");
        IReadOnlyList<EpochResult> epochs;
        using (var trainer = new Trainer(options, fixture.Data, straight))
        {
            epochs = trainer.Run();
            TrainingLog.Write(Path.Combine(straight, TrainingLog.FileName), epochs);
            TrainingCurves.Save(Path.Combine(straight, TrainingCurves.FileName), epochs, "test");
        }

        Assert.Equal([1, 2], epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.True(double.IsFinite(e.MeanLoss) && double.IsFinite(e.Validation.Rsum)));
        foreach (var folder in new[] { "checkpoint_1", "checkpoint_2", Trainer.BestFolder })
        {
            Assert.True(File.Exists(Path.Combine(straight, folder, ModelCheckpoint.WeightsFileName)), folder);
            Assert.True(File.Exists(Path.Combine(straight, folder, TrainingState.FileName)), folder);
        }
        var log = TrainingLog.Read(Path.Combine(straight, TrainingLog.FileName));
        Assert.Equal(2, log.Count);
        Assert.Equal(epochs[1].Validation.Rsum, log[1].Validation.Rsum);
        Assert.True(new FileInfo(Path.Combine(straight, TrainingCurves.FileName)).Length > 1000);
        var state = TrainingState.Load(Path.Combine(straight, "checkpoint_2"));
        Assert.Equal(2, state.Epoch);
        Assert.Equal(2 * 4, state.Iteration);      // 100 captions in batches of 32: 4 steps per epoch
        Assert.Equal(epochs.Max(e => e.Validation.Rsum), state.BestRsum);

        // Same seed, stopped after epoch 1 and resumed: every tensor of epoch 2 is bit-identical, because the
        // float32 weights, BatchNorm statistics and Adam moments are saved exactly and shuffle and dropout are
        // reseeded from (seed, epoch).
        var resumed = fixture.NewFolder("resumed");
        using (var trainer = new Trainer(options, fixture.Data, resumed, Path.Combine(straight, "checkpoint_1")))
        {
            Assert.Equal(1, trainer.EpochsDone);
            var more = trainer.Run();
            Assert.Equal(epochs[1].MeanLoss, Assert.Single(more).MeanLoss);
        }
        var expected = ModelCheckpoint.Load(Path.Combine(straight, "checkpoint_2")).Weights.Flatten().ToDictionary();
        var actual = ModelCheckpoint.Load(Path.Combine(resumed, "checkpoint_2")).Weights.Flatten().ToDictionary();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            if (tensor.DType == TensorDType.Int64) Assert.Equal(tensor.ToInt64(), actual[name].ToInt64());
            else Assert.True(tensor.ToFloat32().SequenceEqual(actual[name].ToFloat32()), $"{name} differs after resuming");
        }
    }

    [Fact]
    public void A_checkpoint_without_optimizer_state_trains_on_from_its_weights_only_when_asked()
    {
        // Shipped checkpoints (models/flickr8k-*/model_best) hold weights and training state but no Adam moments:
        // an exact resume must refuse them, naming the way on; --continue-from takes their weights and epoch count.
        var options = FixtureTrainingData.SmallOptions() with { NumEpochs = 1 };
        var first = fixture.NewFolder("weights-only-first");
        using (var trainer = new Trainer(options, fixture.Data, first)) trainer.Run();
        var shipped = Path.Combine(first, Trainer.BestFolder);
        File.Delete(Path.Combine(shipped, TrainingState.OptimizerFileName));

        var refused = Assert.Throws<InvalidInputException>(() => new Trainer(options with { NumEpochs = 2 }, fixture.Data, fixture.NewFolder("refused"), shipped));
        Assert.Contains(TrainingState.OptimizerFileName, refused.Message);
        Assert.Contains("--continue-from", refused.Message);

        var onward = fixture.NewFolder("weights-only-onward");
        using var continued = new Trainer(options with { NumEpochs = 2 }, fixture.Data, onward, shipped, freshOptimizer: true);
        Assert.Equal(1, continued.EpochsDone);
        var saved = ModelCheckpoint.Load(shipped).Weights.Flatten().ToDictionary();
        foreach (var (name, parameter) in continued.Model.named_parameters())
            Assert.True(parameter.data<float>().ToArray().SequenceEqual(saved[name].ToFloat32()), $"{name} is not the checkpoint's");
        var epoch = Assert.Single(continued.Run());
        Assert.Equal(2, epoch.Epoch);
        Assert.True(double.IsFinite(epoch.MeanLoss));
        Assert.Equal(2, TrainingState.Load(Path.Combine(onward, "checkpoint_2")).Epoch);
    }

    [Fact]
    public void Learning_rate_decays_tenfold_every_lr_update_epochs()
    {
        var options = new TrainingOptions { LearningRate = 2e-4, LrUpdate = 30 };
        Assert.Equal(2e-4, options.LearningRateAt(0));
        Assert.Equal(2e-4, options.LearningRateAt(29));
        Assert.Equal(2e-5, options.LearningRateAt(30), 15);
        Assert.Equal(2e-6, options.LearningRateAt(60), 15);
    }

    [Fact]
    public void Defaults_are_the_official_ones()
    {
        var o = new TrainingOptions();
        Assert.Equal((128, 40, 30, 2e-4, 2.0, 0.2, true), (o.BatchSize, o.NumEpochs, o.LrUpdate, o.LearningRate, o.GradClip, o.Margin, o.MaxViolation));
        Assert.Equal((300, 1024, 256, 1, true, 3, 1000), (o.WordDim, o.EmbedSize, o.SimDim, o.NumLayers, o.BiGru, o.SgrStep, o.ValStep));
        Assert.False(o.NoImgNorm || o.NoTxtNorm);
    }

    [Fact]
    public void Dev_is_cut_to_its_first_5000_captions_like_the_official_loader()
    {
        Assert.Equal(5000, TrainingData.DevCaptions);
        var head = fixture.Data.Dev.Take(10);
        Assert.Equal((2, 10), (head.ImageCount, head.CaptionCount));
        Assert.Equal(fixture.Data.Dev.Captions.Take(10), head.Captions);
        Assert.True(head.Image(1).SequenceEqual(fixture.Data.Dev.Image(1)));
    }
}
