using Sgraf.Inference.Model;

namespace Sgraf.Training.Onnx;

/// <summary>
/// Spec §2 and §4 (VisualSA) as ONNX: region features (N, 36, img_dim) → l2-normalised region embeddings
/// (N, 36, D) and the image's global vector v_glo (N, D). VisualSA belongs to the similarity encoder in the
/// official code, but it depends on the image alone, so it runs once per image here.
/// </summary>
internal static class ImageEncoderExporter
{
    public static (string Regions, string Global) Add(OnnxGraphBuilder g, string features, SgrafConfig config, ExportWeights w)
    {
        int d = config.EmbedSize;
        var regions = g.Linear(features, "img_enc.fc", w["img_enc.fc.weight"], d, config.ImgDim, w["img_enc.fc.bias"]);
        if (!config.NoImgNorm) regions = g.L2Norm(regions, -1);
        return (regions, VisualSelfAttention(g, regions, d, w));
    }

    static string VisualSelfAttention(OnnxGraphBuilder g, string regions, int d, ExportWeights w)
    {
        const string sa = "sim_enc.v_global_w";
        var average = g.ReduceMean(regions, 1, keepDims: false);                              // (N, D)

        // BatchNorm1d(36) acts on the region axis: one scale and shift per region, broadcast over D.
        var local = g.Linear(regions, $"{sa}.embedding_local.0", w[$"{sa}.embedding_local.0.weight"], d, d, w[$"{sa}.embedding_local.0.bias"]);
        var (scale, shift) = w.FoldedBatchNorm($"{sa}.embedding_local.1");
        var regionScale = g.Initializer($"{g.Scope}{sa}.embedding_local.1.scale", [SgrafConfig.Regions, 1], scale);
        var regionShift = g.Initializer($"{g.Scope}{sa}.embedding_local.1.shift", [SgrafConfig.Regions, 1], shift);
        local = g.Tanh(g.Add(g.Mul(local, regionScale), regionShift));                       // (N, 36, D)

        // BatchNorm1d(D) on the global branch folds into its Linear.
        var (globalWeight, globalBias) = w.LinearWithBatchNorm($"{sa}.embedding_global.0", $"{sa}.embedding_global.1");
        var global = g.Tanh(g.Linear(average, $"{sa}.embedding_global.0+1", globalWeight, d, d, globalBias));

        var scores = g.Linear(g.Mul(local, g.Unsqueeze(global, 1)), $"{sa}.embedding_common.0",
            w[$"{sa}.embedding_common.0.weight"], 1, d, w[$"{sa}.embedding_common.0.bias"]);   // (N, 36, 1)
        var weights = g.Softmax(g.Squeeze(scores, 2), 1);                                      // (N, 36)
        // The weights multiply the original region embeddings, not the tanh features.
        var pooled = g.Squeeze(g.MatMul(g.Unsqueeze(weights, 1), regions), 1);
        return g.L2Norm(pooled, -1);
    }
}
