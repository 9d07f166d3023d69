using Sgraf.Inference.Data;
using Sgraf.Inference.Evaluation;
using Sgraf.TestSupport;
using Sgraf.Training.Checkpoints;
using Sgraf.Training.Evaluation;

namespace Sgraf.Training.Tests.Onnx;

/// <summary>A committed bundle's scores against the committed checkpoints it was exported from (TorchSharp, SGRAF average).</summary>
public static class CheckpointParity
{
    /// <param name="modelNames">Checkpoint folders under models/ (each with model_best).</param>
    public static void AssertScoresLike(ScoreMatrix onnx, IEnumerable<string> modelNames, PrecompDataset dataset, IReadOnlyList<int[]> captionIds)
    {
        var torch = SgrafEnsemble.Average(modelNames.Select(name =>
        {
            using var model = ModelSource.LoadModel(Path.Combine(RepositoryPaths.Models, name, "model_best"));
            return SplitScorer.Score(model, dataset, captionIds);
        }).ToArray());

        Assert.Equal((torch.Images, torch.Captions), (onnx.Images, onnx.Captions));
        var worst = torch.Values.Zip(onnx.Values, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-5, $"max |ONNX − TorchSharp| = {worst:E2}");
    }
}
