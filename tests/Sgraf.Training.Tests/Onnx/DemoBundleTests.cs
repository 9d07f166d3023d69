using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;
using Sgraf.Training.Tests.Checkpoints;
using Sgraf.Training.Tests.Cli;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>The committed demo bundle (models/shapes-bundle) verifies and scores like the committed demo checkpoints.</summary>
public sealed class DemoBundleTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public void The_committed_demo_bundle_scores_like_the_committed_SGR_and_SAF_checkpoints()
    {
        var data = work.File("shapes");
        var made = ToolProcess.Run("sgraf", "make-shapes", "--out", data, "--seed", "7", "--train", "10", "--dev", "10", "--test", "10");
        Assert.True(made.ExitCode == 0, made.ToString());

        using var runtime = SgrafRuntime.Open(Path.Combine(RepositoryPaths.Models, "shapes-bundle"));
        Assert.Equal([SimilarityModule.SGR, SimilarityModule.SAF], runtime.Modules.OrderBy(m => m));
        var dataset = PrecompDataset.Load(data, "test", runtime.Bundle.ImgDim);
        var onnx = runtime.Score(runtime.EncodeImages(dataset.ImageFeatures, dataset.ImageCount), runtime.EncodeCaptions(dataset.Captions));

        var vocabulary = Vocabulary.Load(Path.Combine(RepositoryPaths.Models, "shapes-bundle", "vocab.json"));
        var ids = dataset.Captions.Select(c => CaptionTokenizer.Encode(c, vocabulary)).ToArray();
        CheckpointParity.AssertScoresLike(onnx, ["shapes-sgr", "shapes-saf"], dataset, ids);
        Assert.All(onnx.Values, v => Assert.InRange(v, 0.0, 1.0));
    }
}
