using Sgraf.Inference.Model;

namespace Sgraf.Training.Onnx;

/// <summary>
/// Spec §5–§8 as ONNX: every image against every caption in one batch, images × captions → scores (N, C).
/// Pairs are laid out image-major (N, C, …), so the scores come out as (N, C) with no transpose. Captions are
/// zero-padded to a common length L; padding never changes a score: padded words have zero affinity in SCAN
/// (so they add nothing to its l2norm over words), and their similarity nodes are masked out of SGR's edge
/// softmax and SAF's l1norm.
/// <para>
/// Written for speed on the CPU, with the same arithmetic up to float rounding (docs/benchmarks.md has the FLOP accounting):
/// SCAN is one GEMM for all regions × all words and one batched GEMM per image; the softmax over regions needs
/// no max (its inputs are l2-normalised, so λ·a ∈ [−9, 9]); the context's l2norm comes from the 36 × 36 Gram
/// matrix of each image's regions and scales the attention weights, so the (pairs × L × D) context is written once
/// by its GEMM and never normalised in place. In SGR, Q Kᵀ = N (W_qᵀ W_k) Nᵀ + terms constant along each softmax row
/// + 1 (W_kᵀ b_q)ᵀ Nᵀ: the constant terms cancel in the row softmax, so each step applies one S × S matrix
/// M = W_qᵀ W_k (folded at export) instead of two; the last step computes only the global node, the only one read.
/// </para>
/// </summary>
internal static class SimilarityExporter
{
    const float LeakySlope = 0.1f;
    const float Smooth = 9.0f;
    const float Epsilon = 1e-8f;

    /// <returns>The (N, C) scores and the weights they were computed with (see <see cref="SimilarityValues"/>).</returns>
    public static SimilarityValues Add(OnnxGraphBuilder g, string regions, string imageGlobal, string words, string lengths, string captionGlobal,
        SgrafConfig config, ExportWeights w)
    {
        int d = config.EmbedSize, s = config.SimDim, r = SgrafConfig.Regions;
        var captionsAndLength = g.Shape(words, 0, 2);                                          // [C, L]

        // §5 SCAN text-to-visual attention. Affinity of every region with every word: one GEMM.
        var affinity = g.MatMulTransposedB(g.Reshape(regions, -1, d), g.Reshape(words, -1, d));   // (N·36, C·L)
        affinity = g.Node("Reshape", [affinity, g.Concat(0, g.Int64s(-1, r), captionsAndLength)]);  // (N, 36, C, L)
        affinity = g.L2Norm(g.LeakyRelu(affinity, LeakySlope), 3);                             // over words: SCAN's quirk
        // softmax over regions of λ·a, without its max: a ∈ [−1, 1] after the l2norm, so exp(λa) ∈ [e^−9, e^9].
        var weights = g.Reshape(g.Exp(g.Mul(affinity, g.Scalar(Smooth))), 0, 0, -1);          // (N, 36, C·L), unnormalised
        // c = l2norm(Σ_r p_r v_r) with p = e / Z: c = Σ_r e_r v_r / (‖Σ_r e_r v_r‖ + 1e-8·Z), and
        // ‖Σ_r e_r v_r‖² = eᵀ G e with G = V Vᵀ (36 × 36 per image), so the context's norm costs O(36²) per word, not O(D).
        var gram = g.MatMul(regions, g.Transpose(regions, 0, 2, 1));                           // (N, 36, 36)
        var squaredNorm = g.Relu(g.ReduceSum(g.Mul(g.MatMul(gram, weights), weights), 1));     // (N, 1, C·L)
        var total = g.ReduceSum(weights, 1);                                                   // (N, 1, C·L)
        var scale = g.Div(g.Scalar(1f), g.Add(g.Sqrt(squaredNorm), g.Mul(total, g.Scalar(Epsilon))));
        var context = g.MatMul(g.Transpose(g.Mul(weights, scale), 0, 2, 1), regions);          // (N, C·L, D), l2-normalised
        context = g.Node("Reshape", [context, g.Concat(0, g.Int64s(-1), captionsAndLength, g.Int64s(d))]);  // (N, C, L, D)

        var localDifference = g.Sub(context, words);
        var local = g.L2Norm(g.Linear(g.Mul(localDifference, localDifference), "sim_enc.sim_tranloc_w",
            w["sim_enc.sim_tranloc_w.weight"], s, d, w["sim_enc.sim_tranloc_w.bias"]), -1);      // (N, C, L, S)
        var globalDifference = g.Sub(g.Unsqueeze(imageGlobal, 1), captionGlobal);              // (N, C, D)
        var global = g.L2Norm(g.Linear(g.Mul(globalDifference, globalDifference), "sim_enc.sim_tranglo_w",
            w["sim_enc.sim_tranglo_w.weight"], s, d, w["sim_enc.sim_tranglo_w.bias"]), -1);      // (N, C, S)
        var nodes = g.Concat(2, g.Unsqueeze(global, 2), local);                               // (N, C, L+1, S), node 0 global

        // Node k is real when k ≤ length (node 0 is the global one, node k the k-th word).
        var nodeCount = g.Add(g.Shape(words, 1, 2), g.Int64s(1));
        var nodePositions = g.Range(g.Int64Scalar(0), g.Squeeze(nodeCount, 0), g.Int64Scalar(1));
        var realNodes = g.Less(g.Unsqueeze(nodePositions, 0), g.Unsqueeze(g.Add(lengths, g.Int64Scalar(1)), 1));  // (C, L+1)

        bool sgr = config.Module == SimilarityModule.SGR;
        var (similarity, nodeWeights) = sgr                                                    // (N, C, S), and SGR's edges or SAF's filtration
            ? GraphReasoning(g, nodes, g.Unsqueeze(realNodes, 1), config, w)
            : AttentionFiltration(g, nodes, g.Unsqueeze(realNodes, 2), config, w);

        var scores = g.Sigmoid(g.Linear(similarity, "sim_enc.sim_eval_w", w["sim_enc.sim_eval_w.weight"], 1, s, w["sim_enc.sim_eval_w.bias"]));
        return new SimilarityValues(g.Squeeze(scores, 2), weights, total,                      // scores (N, C)
            sgr ? nodeWeights : null, sgr ? null : nodeWeights);
    }

    /// <summary>
    /// §6: sgr_step rounds of graph reasoning. Edge logits n_iᵀ M n_j + u·n_j with M = W_qᵀ W_k and u = W_kᵀ b_q
    /// (the dropped terms are constant along each softmax row); the last step computes only the global node.
    /// </summary>
    /// <param name="realKeys">(C, 1, L+1) bool, broadcast over images and queries.</param>
    /// <returns>The global node after the last step (N, C, S), and that step's edge weights from it (N, C, 1, L+1).</returns>
    static (string Similarity, string LastEdges) GraphReasoning(OnnxGraphBuilder g, string nodes, string realKeys, SgrafConfig config, ExportWeights w)
    {
        int s = config.SimDim;
        string edges = "";
        for (int step = 0; step < config.SgrStep; step++)
        {
            var prefix = $"sim_enc.SGR_module.{step}";
            bool last = step == config.SgrStep - 1;
            var (bilinear, keyBias) = QueryKeyProduct(w[$"{prefix}.graph_query_w.weight"], w[$"{prefix}.graph_query_w.bias"],
                w[$"{prefix}.graph_key_w.weight"], s);
            var queries = last ? g.Slice(nodes, 2, 0, 1) : nodes;
            var query = g.LinearTransposed(queries, $"{prefix}.graph_query_key", bilinear, s, s, keyBias);
            // No 1/sqrt(S) scaling, as in the official code. The keys are the nodes themselves.
            edges = g.Softmax(g.MaskBeforeSoftmax(g.MatMul(query, g.Transpose(nodes, 0, 1, 3, 2)), realKeys), -1);
            nodes = g.Relu(g.Linear(g.MatMul(edges, nodes), $"{prefix}.sim_graph_w", w[$"{prefix}.sim_graph_w.weight"], s, s, w[$"{prefix}.sim_graph_w.bias"]));
        }
        return (g.Squeeze(nodes, 2), edges);                                                   // (N, C, 1, S) → (N, C, S)
    }

    /// <summary>
    /// M = W_qᵀ W_k as an (in, out) matrix for x ↦ x M + u, and u = W_kᵀ b_q, in float64 (PyTorch weights are (out, in)).
    /// (x W_qᵀ + b_q)(y W_kᵀ + b_k)ᵀ = x M yᵀ + u·y + (x W_qᵀ b_k + b_q·b_k), and the last bracket does not depend on y.
    /// </summary>
    internal static (float[] Bilinear, float[] KeyBias) QueryKeyProduct(float[] queryWeight, float[] queryBias, float[] keyWeight, int s)
    {
        var bilinear = new float[s * s];
        var row = new double[s];
        for (int i = 0; i < s; i++)
        {
            Array.Clear(row);
            for (int o = 0; o < s; o++)
            {
                double q = queryWeight[o * s + i];
                for (int j = 0; j < s; j++) row[j] += q * keyWeight[o * s + j];
            }
            for (int j = 0; j < s; j++) bilinear[i * s + j] = (float)row[j];
        }
        var keyBias = new float[s];
        for (int j = 0; j < s; j++)
        {
            double sum = 0;
            for (int o = 0; o < s; o++) sum += keyWeight[o * s + j] * (double)queryBias[o];
            keyBias[j] = (float)sum;
        }
        return (bilinear, keyBias);
    }

    /// <summary>§7: sigmoid node weights (BatchNorm1d(1) folded into attn_sim_w), l1-normalised over the real nodes.</summary>
    /// <param name="realNodes">(C, L+1, 1) bool, broadcast over images.</param>
    /// <returns>The similarity vector (N, C, S) and the node weights (N, C, L+1, 1).</returns>
    static (string Similarity, string Filtration) AttentionFiltration(OnnxGraphBuilder g, string nodes, string realNodes, SgrafConfig config, ExportWeights w)
    {
        var (weight, bias) = w.LinearWithBatchNorm("sim_enc.SAF_module.attn_sim_w", "sim_enc.SAF_module.bn");
        var scores = g.Linear(nodes, "sim_enc.SAF_module.attn_sim_w+bn", weight, 1, config.SimDim, bias);   // (N, C, L+1, 1)
        var gates = g.Mul(g.Sigmoid(scores), g.Cast(realNodes, Sgraf.Inference.Onnx.Proto.TensorProto.Types.DataType.Float));
        var attention = g.L1Norm(gates, 2);
        var pooled = g.Squeeze(g.MatMul(g.Transpose(attention, 0, 1, 3, 2), nodes), 2);          // (N, C, S)
        return (g.L2Norm(pooled, -1), attention);
    }
}

/// <summary>
/// Values of a similarity graph: the scores, and the weights that explain them, as the graph computed them on the way.
/// </summary>
/// <param name="Scores">(N, C).</param>
/// <param name="Attention">(N, 36, C·L): SCAN's exp(λ a) per region and word, the softmax numerators.</param>
/// <param name="AttentionTotal">(N, 1, C·L): their sums over the regions, the softmax denominators.</param>
/// <param name="Edges">SGR: the last step's edge weights from the global node (N, C, 1, L+1); null for SAF.</param>
/// <param name="Filtration">SAF: the node weights (N, C, L+1, 1); null for SGR.</param>
internal sealed record SimilarityValues(string Scores, string Attention, string AttentionTotal, string? Edges, string? Filtration);
