using Sgraf.Inference.Model;
using DataType = Sgraf.Inference.Onnx.Proto.TensorProto.Types.DataType;

namespace Sgraf.Training.Onnx;

/// <summary>
/// Spec §3 and §4 (TextSA) as ONNX: token ids (B, L) and lengths (B) → word embeddings (B, L, D), zero past each
/// length, and the caption's global vector t_glo (B, D) over its valid words only.
/// The GRU is ONNX's GRU with <c>sequence_lens</c>, which, like a packed PyTorch sequence, starts the backward
/// direction at each caption's last valid token.
/// </summary>
internal static class TextEncoderExporter
{
    public static (string Words, string Global) Add(OnnxGraphBuilder g, string tokenIds, string lengths, SgrafConfig config, ExportWeights w)
    {
        int h = config.EmbedSize;
        var table = g.Initializer($"{g.Scope}txt_enc.embed.weight", [config.VocabSize, config.WordDim], w["txt_enc.embed.weight"]);
        var sequence = g.Transpose(g.Gather(table, tokenIds), 1, 0, 2);                      // (L, B, word_dim), ONNX GRU layout 0
        var sequenceLengths = g.Cast(lengths, DataType.Int32);
        int directions = config.BiGru ? 2 : 1;

        string output = sequence;
        for (int layer = 0; layer < config.NumLayers; layer++)
        {
            if (layer > 0)   // the next layer reads both directions concatenated, as PyTorch's stacked GRU does
                output = g.Reshape(g.Transpose(output, 0, 2, 1, 3), 0, 0, -1);
            int input = layer == 0 ? config.WordDim : directions * h;
            output = Gru(g, output, sequenceLengths, layer, input, config, w);                // (L, dirs, B, H)
        }
        var hidden = config.BiGru ? g.ReduceMean(output, 1, keepDims: false) : g.Squeeze(output, 1);  // directions averaged
        var words = g.Transpose(hidden, 1, 0, 2);                                              // (B, L, H)
        if (!config.NoTxtNorm) words = g.L2Norm(words, -1);

        var valid = ValidPositions(g, tokenIds, lengths);                                     // (B, L) bool
        words = g.Mul(words, g.Unsqueeze(g.Cast(valid, DataType.Float), 2));
        return (words, TextSelfAttention(g, words, lengths, valid, h, w));
    }

    /// <summary>position &lt; length, for every caption and position.</summary>
    public static string ValidPositions(OnnxGraphBuilder g, string tokenIds, string lengths)
    {
        var length = g.Squeeze(g.Shape(tokenIds, 1, 2), 0);
        var positions = g.Range(g.Int64Scalar(0), length, g.Int64Scalar(1));
        return g.Less(g.Unsqueeze(positions, 0), g.Unsqueeze(lengths, 1));
    }

    static string Gru(OnnxGraphBuilder g, string x, string sequenceLengths, int layer, int input, SgrafConfig config, ExportWeights w)
    {
        int h = config.EmbedSize;
        string[] suffixes = config.BiGru ? ["", "_reverse"] : [""];
        var weights = new List<float>();
        var recurrence = new List<float>();
        var biases = new List<float>();
        foreach (var suffix in suffixes)
        {
            weights.AddRange(PyTorchToOnnxGates(w[$"txt_enc.cap_rnn.weight_ih_l{layer}{suffix}"], h));
            recurrence.AddRange(PyTorchToOnnxGates(w[$"txt_enc.cap_rnn.weight_hh_l{layer}{suffix}"], h));
            biases.AddRange(PyTorchToOnnxGates(w[$"txt_enc.cap_rnn.bias_ih_l{layer}{suffix}"], h));
            biases.AddRange(PyTorchToOnnxGates(w[$"txt_enc.cap_rnn.bias_hh_l{layer}{suffix}"], h));
        }
        long directions = suffixes.Length;
        var name = $"{g.Scope}txt_enc.cap_rnn.l{layer}";
        var wTensor = g.Initializer($"{name}.W", [directions, 3 * h, input], weights.ToArray());
        var rTensor = g.Initializer($"{name}.R", [directions, 3 * h, h], recurrence.ToArray());
        var bTensor = g.Initializer($"{name}.B", [directions, 6 * h], biases.ToArray());
        return g.Node("GRU", [x, wTensor, rTensor, bTensor, sequenceLengths],
            OnnxGraphBuilder.Attr("hidden_size", (long)h),
            OnnxGraphBuilder.Attr("direction", config.BiGru ? "bidirectional" : "forward"),
            // PyTorch applies the reset gate after the recurrent matmul: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).
            OnnxGraphBuilder.Attr("linear_before_reset", 1L),
            OnnxGraphBuilder.Attr("layout", 0L));
    }

    /// <summary>PyTorch stacks the gates r, z, n; ONNX expects z, r, h. Rows are blocks of <paramref name="h"/>.</summary>
    static float[] PyTorchToOnnxGates(float[] stacked, int h)
    {
        int block = stacked.Length / 3;
        var result = new float[stacked.Length];
        Array.Copy(stacked, block, result, 0, block);          // z
        Array.Copy(stacked, 0, result, block, block);          // r
        Array.Copy(stacked, 2 * block, result, 2 * block, block);  // n → h
        return result;
    }

    static string TextSelfAttention(OnnxGraphBuilder g, string words, string lengths, string valid, int d, ExportWeights w)
    {
        const string sa = "sim_enc.t_global_w";
        // Padded words are zero, so the sum over all positions is the sum over the valid ones.
        var average = g.Div(g.ReduceSum(words, 1, keepDims: false), g.Unsqueeze(g.Cast(lengths, DataType.Float), 1));
        var local = g.Tanh(g.Linear(words, $"{sa}.embedding_local.0", w[$"{sa}.embedding_local.0.weight"], d, d, w[$"{sa}.embedding_local.0.bias"]));
        var global = g.Tanh(g.Linear(average, $"{sa}.embedding_global.0", w[$"{sa}.embedding_global.0.weight"], d, d, w[$"{sa}.embedding_global.0.bias"]));
        var scores = g.Squeeze(g.Linear(g.Mul(local, g.Unsqueeze(global, 1)), $"{sa}.embedding_common.0",
            w[$"{sa}.embedding_common.0.weight"], 1, d, w[$"{sa}.embedding_common.0.bias"]), 2);   // (B, L)
        var weights = g.Softmax(g.MaskBeforeSoftmax(scores, valid), 1);
        var pooled = g.Squeeze(g.MatMul(g.Unsqueeze(weights, 1), words), 1);
        return g.L2Norm(pooled, -1);
    }
}
