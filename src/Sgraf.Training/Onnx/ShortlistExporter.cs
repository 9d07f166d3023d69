using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;
using Sgraf.Training.Shortlist;
using DataType = Sgraf.Inference.Onnx.Proto.TensorProto.Types.DataType;

namespace Sgraf.Training.Onnx;

/// <summary>
/// The shortlist head's two towers as ONNX graphs (see <see cref="ShortlistTower"/>): shortlist_image.onnx maps
/// every model's region embeddings and image global to image vectors, shortlist_text.onnx maps word embeddings,
/// lengths and caption globals to caption vectors. Inputs are named like the encoders' outputs.
/// </summary>
internal static class ShortlistExporter
{
    public static OnnxGraphBuilder ImageGraph(ShortlistCheckpoint head, IReadOnlyList<(string Module, int EmbedSize)> modules)
    {
        var g = new OnnxGraphBuilder("sgraf_shortlist_image");
        var regions = modules.Select(m => g.Input($"{m.Module}_regions", DataType.Float, "N", SgrafConfig.Regions, m.EmbedSize)).ToArray();
        var globals = modules.Select(m => g.Input($"{m.Module}_image_global", DataType.Float, "N", m.EmbedSize)).ToArray();
        var features = LocalFeatures(g, head, "image", Concat(g, 2, regions));                      // (N, 36, P)
        var sorted = TopK(g, features, g.Int64s(SgrafConfig.Regions));
        // Every image has all 36 regions, so the pooling weights are one softmax over the 36 positions.
        var weights = g.Softmax(g.Initializer("image.positions", [ShortlistHeadConfig.ImagePositions], Tensor(head, "image.positions")), 0);
        var pooled = g.MatMul(weights, sorted);                                                       // (N, P)
        var vectors = Finish(g, head, "image", pooled, Concat(g, 1, globals));
        g.Output(vectors, "image_vectors", DataType.Float, "N", head.Config.Dim);
        return g;
    }

    public static OnnxGraphBuilder TextGraph(ShortlistCheckpoint head, IReadOnlyList<(string Module, int EmbedSize)> modules)
    {
        var g = new OnnxGraphBuilder("sgraf_shortlist_text");
        var words = modules.Select(m => g.Input($"{m.Module}_words", DataType.Float, "B", "L", m.EmbedSize)).ToArray();
        var lengths = g.Input("lengths", DataType.Int64, "B");
        var globals = modules.Select(m => g.Input($"{m.Module}_caption_global", DataType.Float, "B", m.EmbedSize)).ToArray();
        var locals = Concat(g, 2, words);
        var valid = TextEncoderExporter.ValidPositions(g, locals, lengths);                          // (B, L)
        var validFeatures = g.Unsqueeze(valid, 2);
        var features = LocalFeatures(g, head, "text", locals);                                       // (B, L, P)
        // Padded words sort last as the lowest float; after sorting they are zeroed and get weight 0.
        var sorted = TopK(g, g.Where(validFeatures, features, g.Scalar(float.MinValue)), g.Shape(locals, 1, 2));
        sorted = g.Where(validFeatures, sorted, g.Scalar(0f));
        var length = g.Squeeze(g.Shape(locals, 1, 2), 0);
        var positions = g.Range(g.Int64Scalar(0), length, g.Int64Scalar(1));
        var theta = g.Initializer("text.positions", [head.Config.TextPositions], Tensor(head, "text.positions"));
        // Words past text_positions share the last weight.
        var logits = g.Gather(theta, g.Node("Min", [positions, g.Int64Scalar(head.Config.TextPositions - 1)]));
        var weights = g.Softmax(g.MaskBeforeSoftmax(g.Unsqueeze(logits, 0), valid), 1);             // (B, L)
        var pooled = g.Squeeze(g.MatMul(g.Unsqueeze(weights, 1), sorted), 1);                       // (B, P)
        var vectors = Finish(g, head, "text", pooled, Concat(g, 1, globals));
        g.Output(vectors, "caption_vectors", DataType.Float, "B", head.Config.Dim);
        return g;
    }

    /// <summary>The per-position MLP: local_out(relu(local_in(x))).</summary>
    static string LocalFeatures(OnnxGraphBuilder g, ShortlistCheckpoint head, string tower, string locals)
    {
        var config = head.Config;
        var hidden = g.Relu(g.Linear(locals, $"{tower}.local_in", Tensor(head, $"{tower}.local_in.weight"), config.Hidden, config.InputDim,
            Tensor(head, $"{tower}.local_in.bias")));
        return g.Linear(hidden, $"{tower}.local_out", Tensor(head, $"{tower}.local_out.weight"), config.Dim, config.Hidden,
            Tensor(head, $"{tower}.local_out.bias"));
    }

    /// <summary>l2norm(pooled + ρ(pooled) + global(globals)), ρ = pooled_out(relu(pooled_in(x))).</summary>
    static string Finish(OnnxGraphBuilder g, ShortlistCheckpoint head, string tower, string pooled, string globals)
    {
        var config = head.Config;
        var hidden = g.Relu(g.Linear(pooled, $"{tower}.pooled_in", Tensor(head, $"{tower}.pooled_in.weight"), config.Hidden, config.Dim,
            Tensor(head, $"{tower}.pooled_in.bias")));
        var set = g.Add(pooled, g.Linear(hidden, $"{tower}.pooled_out", Tensor(head, $"{tower}.pooled_out.weight"), config.Dim, config.Hidden,
            Tensor(head, $"{tower}.pooled_out.bias")));
        var global = g.Linear(globals, $"{tower}.global", Tensor(head, $"{tower}.global.weight"), config.Dim, config.InputDim,
            Tensor(head, $"{tower}.global.bias"));
        return g.L2Norm(g.Add(set, global), -1);
    }

    /// <summary>Each feature's values sorted largest first along axis 1.</summary>
    static string TopK(OnnxGraphBuilder g, string x, string k) =>
        g.Node("TopK", [x, k], 2, OnnxGraphBuilder.Attr("axis", 1L), OnnxGraphBuilder.Attr("largest", 1L), OnnxGraphBuilder.Attr("sorted", 1L))[0];

    static string Concat(OnnxGraphBuilder g, long axis, string[] inputs) => inputs.Length == 1 ? inputs[0] : g.Concat(axis, inputs);

    static float[] Tensor(ShortlistCheckpoint head, string name) =>
        head.Weights.TryGetValue(name, out var tensor) ? tensor.ToFloat32() : throw new ArgumentException($"the shortlist head has no tensor {name}");
}
