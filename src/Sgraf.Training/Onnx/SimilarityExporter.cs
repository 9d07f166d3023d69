using Sgraf.Inference.Model;

namespace Sgraf.Training.Onnx;

/// <summary>
/// Spec §5–§8 as ONNX: every image against every caption in one batch, images × captions → scores (N, C).
/// Pairs are laid out (C, N, …) so that one caption's words broadcast against all images and vice versa.
/// Captions are zero-padded to a common length L; padding never changes a score: padded words have zero
/// affinity in SCAN (so they add nothing to its l2norm over words), and their similarity nodes are masked out
/// of SGR's edge softmax and SAF's l1norm. Only the global node of the last SGR step is computed.
/// </summary>
internal static class SimilarityExporter
{
    const float LeakySlope = 0.1f;
    const float Smooth = 9.0f;

    /// <returns>The (N, C) score output.</returns>
    public static string Add(OnnxGraphBuilder g, string regions, string imageGlobal, string words, string lengths, string captionGlobal,
        SgrafConfig config, ExportWeights w)
    {
        int d = config.EmbedSize, s = config.SimDim;
        var pairWords = g.Unsqueeze(words, 1);                                                 // (C, 1, L, D)
        var pairRegions = g.Unsqueeze(regions, 0);                                             // (1, N, 36, D)

        // §5 SCAN text-to-visual attention.
        var affinity = g.MatMul(pairRegions, g.Transpose(pairWords, 0, 1, 3, 2));             // (C, N, 36, L)
        affinity = g.L2Norm(g.LeakyRelu(affinity, LeakySlope), -1);                            // over words: SCAN's quirk
        var attention = g.Softmax(g.Mul(g.Transpose(affinity, 0, 1, 3, 2), g.Scalar(Smooth)), -1);  // (C, N, L, 36)
        var context = g.L2Norm(g.MatMul(attention, pairRegions), -1);                         // (C, N, L, D)

        var localDifference = g.Sub(context, pairWords);
        var local = g.L2Norm(g.Linear(g.Mul(localDifference, localDifference), "sim_enc.sim_tranloc_w",
            w["sim_enc.sim_tranloc_w.weight"], s, d, w["sim_enc.sim_tranloc_w.bias"]), -1);      // (C, N, L, S)
        var globalDifference = g.Sub(g.Unsqueeze(imageGlobal, 0), g.Unsqueeze(captionGlobal, 1));   // (C, N, D)
        var global = g.L2Norm(g.Linear(g.Mul(globalDifference, globalDifference), "sim_enc.sim_tranglo_w",
            w["sim_enc.sim_tranglo_w.weight"], s, d, w["sim_enc.sim_tranglo_w.bias"]), -1);      // (C, N, S)
        var nodes = g.Concat(2, g.Unsqueeze(global, 2), local);                               // (C, N, L+1, S), node 0 global

        // Node k is real when k ≤ length (node 0 is the global one, node k the k-th word).
        var nodeCount = g.Add(g.Shape(words, 1, 2), g.Int64s(1));
        var nodePositions = g.Range(g.Int64Scalar(0), g.Squeeze(nodeCount, 0), g.Int64Scalar(1));
        var realNodes = g.Less(g.Unsqueeze(nodePositions, 0), g.Unsqueeze(g.Add(lengths, g.Int64Scalar(1)), 1));  // (C, L+1)

        var similarity = config.Module == SimilarityModule.SGR
            ? GraphReasoning(g, nodes, g.Unsqueeze(realNodes, 1, 2), config, w)
            : AttentionFiltration(g, nodes, g.Unsqueeze(realNodes, 1, 3), config, w);           // (C, N, S)

        var scores = g.Sigmoid(g.Linear(similarity, "sim_enc.sim_eval_w", w["sim_enc.sim_eval_w.weight"], 1, s, w["sim_enc.sim_eval_w.bias"]));
        return g.Transpose(g.Squeeze(scores, 2), 1, 0);                                        // (N, C)
    }

    /// <summary>§6: sgr_step rounds of graph reasoning; the last computes only the global node, the only one read.</summary>
    /// <param name="realKeys">(C, 1, 1, L+1) bool.</param>
    static string GraphReasoning(OnnxGraphBuilder g, string nodes, string realKeys, SgrafConfig config, ExportWeights w)
    {
        int s = config.SimDim;
        for (int step = 0; step < config.SgrStep; step++)
        {
            var prefix = $"sim_enc.SGR_module.{step}";
            bool last = step == config.SgrStep - 1;
            var queries = last ? g.Slice(nodes, 2, 0, 1) : nodes;
            var query = g.Linear(queries, $"{prefix}.graph_query_w", w[$"{prefix}.graph_query_w.weight"], s, s, w[$"{prefix}.graph_query_w.bias"]);
            var key = g.Linear(nodes, $"{prefix}.graph_key_w", w[$"{prefix}.graph_key_w.weight"], s, s, w[$"{prefix}.graph_key_w.bias"]);
            // No 1/sqrt(S) scaling, as in the official code.
            var edges = g.Softmax(g.MaskBeforeSoftmax(g.MatMul(query, g.Transpose(key, 0, 1, 3, 2)), realKeys), -1);
            nodes = g.Relu(g.Linear(g.MatMul(edges, nodes), $"{prefix}.sim_graph_w", w[$"{prefix}.sim_graph_w.weight"], s, s, w[$"{prefix}.sim_graph_w.bias"]));
        }
        return g.Squeeze(nodes, 2);                                                            // (C, N, 1, S) → (C, N, S)
    }

    /// <summary>§7: sigmoid node weights (BatchNorm1d(1) folded into attn_sim_w), l1-normalised over the real nodes.</summary>
    /// <param name="realNodes">(C, 1, L+1, 1) bool.</param>
    static string AttentionFiltration(OnnxGraphBuilder g, string nodes, string realNodes, SgrafConfig config, ExportWeights w)
    {
        var (weight, bias) = w.LinearWithBatchNorm("sim_enc.SAF_module.attn_sim_w", "sim_enc.SAF_module.bn");
        var scores = g.Linear(nodes, "sim_enc.SAF_module.attn_sim_w+bn", weight, 1, config.SimDim, bias);   // (C, N, L+1, 1)
        var gates = g.Mul(g.Sigmoid(scores), g.Cast(realNodes, Proto.TensorProto.Types.DataType.Float));
        var attention = g.L1Norm(gates, 2);
        var pooled = g.Squeeze(g.MatMul(g.Transpose(attention, 0, 1, 3, 2), nodes), 2);          // (C, N, S)
        return g.L2Norm(pooled, -1);
    }
}
