using Sgraf.Inference.Runtime;
using Sgraf.Training.Model;
using Sgraf.Training.Onnx;
using Sgraf.Training.Shortlist;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Shortlist;

/// <summary>Untrained shortlist heads for a bundle, with random sorted-value weights so that pooling is not a plain mean.</summary>
internal static class RandomHead
{
    public static ShortlistHead Create(SgrafRuntime runtime, int seed, ShortlistPooling pooling = ShortlistPooling.Gpo,
        int hidden = 24, int dim = 16, int textPositions = 64)
    {
        manual_seed(seed);
        var head = new ShortlistHead(new ShortlistHeadConfig
        {
            Modules = [.. runtime.Modules.Select(BundleManifest.ModuleName)],
            InputDim = runtime.Modules.Sum(m => runtime.Bundle.Module(m).EmbedSize),
            Hidden = hidden,
            Dim = dim,
            Pooling = pooling,
            TextPositions = textPositions,
        });
        if (pooling == ShortlistPooling.Gpo)
            using (no_grad())
                foreach (var (name, parameter) in head.named_parameters())
                    if (name.EndsWith("positions", StringComparison.Ordinal)) parameter.normal_(0, 1);
        head.eval();
        return head;
    }

    public static ShortlistCheckpoint Checkpoint(ShortlistHead head, SgrafRuntime runtime) => ShortlistCheckpoint.From(head, new ShortlistProvenance
    {
        Bundle = runtime.Bundle.Directory,
        EmbeddingsHash = runtime.Bundle.EmbeddingsHash,
        Data = "random",
        Epoch = 0,
        TrainedAt = DateTimeOffset.UnixEpoch,
    });

    /// <summary>The bundle in <paramref name="bundleDir"/> with <paramref name="head"/> added, written to <paramref name="outDir"/>.</summary>
    public static string AddTo(string bundleDir, ShortlistHead head, SgrafRuntime runtime, string outDir)
    {
        var headDir = Path.Combine(outDir + "-head");
        Checkpoint(head, runtime).Save(headDir);
        BundleExporter.AddShortlist(bundleDir, new ShortlistSource(ShortlistCheckpoint.Load(headDir), headDir), outDir);
        return outDir;
    }
}
