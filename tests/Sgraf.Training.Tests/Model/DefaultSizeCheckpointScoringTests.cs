using Sgraf.TestSupport;
using Sgraf.Inference.Model;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Model;
using Sgraf.Training.Tests.Checkpoints;
using Sgraf.Training.Tests.Cli;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Model;

/// <summary>
/// A checkpoint of the official default size (vocab 8481, word 300, embed 1024, sim 256, img 2048), written by the
/// test in the official zip format, goes through the real import-official tool and scores exactly like the model
/// it was written from.
/// </summary>
public sealed class DefaultSizeCheckpointScoringTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void An_official_default_size_checkpoint_imports_and_scores_like_its_source_model(SimilarityModule module)
    {
        var config = TestWeights.Default(module);
        manual_seed(11);
        using var source = new SgrafModel(config);
        source.eval();
        var path = work.File("checkpoint_3.pth.tar");
        TorchSaveWriter.WriteCheckpoint(path, config, ModelWeights.FromFlat(ModuleWeights.Save(source), path));

        var imported = work.File("imported");
        var result = ToolProcess.Run("sgraf", "import-official", "--checkpoint", path, "--out", imported);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var model = ModelSource.LoadModel(imported);

        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var features = rand(3, SgrafConfig.Regions, config.ImgDim);      // BUTD features are non-negative
        int[][] captions = [[1, 17, 402, 9, 2], [1, 8000, 3, 2], [1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 2], [1, 2]];
        var expected = Scores(source, features, captions);
        var actual = Scores(model, features, captions);

        Assert.Equal([3L, 4L], actual.shape);
        Assert.True(actual.gt(0).all().item<bool>() && actual.lt(1).all().item<bool>(), "scores are sigmoid outputs in (0, 1)");
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
        // The same pair scored alone equals its score inside the batch: caption padding never changes a score.
        var alone = Scores(model, features.narrow(0, 1, 1), [captions[2]]);
        Assert.Equal(actual[1, 2].item<float>(), alone[0, 0].item<float>(), 6);
    }

    static Tensor Scores(SgrafModel model, Tensor features, int[][] captions)
    {
        var (ids, lengths) = TokenBatch.Pad(captions);
        var words = model.EncodeCaptions(ids, lengths);
        return model.Score(model.EncodeImages(features), words, lengths.data<long>().ToArray());
    }
}
