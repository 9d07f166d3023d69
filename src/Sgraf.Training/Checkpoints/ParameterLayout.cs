using Sgraf.Inference;
using Sgraf.Inference.Model;

namespace Sgraf.Training.Checkpoints;

/// <summary>The three state dicts an SGRAF checkpoint holds, in the official order (spec §14).</summary>
public enum StateDictPart { ImageEncoder, TextEncoder, Similarity }

/// <summary>One tensor a model with a given config must have.</summary>
/// <param name="Key">The state-dict key inside its part, e.g. <c>cap_rnn.weight_ih_l0</c>.</param>
/// <param name="DType">Float32 for parameters and BatchNorm statistics, Int64 for <c>num_batches_tracked</c>.</param>
/// <param name="ImpliedBy">The opt fields the tensor's presence and shape follow from, for error messages.</param>
public sealed record ParameterSpec(StateDictPart Part, string Key, long[] Shape, TensorDType DType, string ImpliedBy)
{
    /// <summary>The name in a project checkpoint: <c>img_enc.fc.weight</c>, <c>txt_enc.…</c>, <c>sim_enc.…</c>.</summary>
    public string FullName => $"{Part.Prefix()}.{Key}";
}

/// <summary>
/// The one source of truth for which tensors an SGR or SAF model has and their shapes (spec §2–§7, §14),
/// in the official state-dict order. Readers validate against it; the model builds its modules from it.
/// </summary>
public static class ParameterLayout
{
    public static string Prefix(this StateDictPart part) => part switch
    {
        StateDictPart.ImageEncoder => "img_enc",
        StateDictPart.TextEncoder => "txt_enc",
        StateDictPart.Similarity => "sim_enc",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    public static IReadOnlyList<ParameterSpec> ExpectedParameters(SgrafConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<ParameterSpec>();
        long d = config.EmbedSize, s = config.SimDim;

        void Linear(StateDictPart part, string name, long input, long output, string impliedBy)
        {
            list.Add(new(part, $"{name}.weight", [output, input], TensorDType.Float32, impliedBy));
            list.Add(new(part, $"{name}.bias", [output], TensorDType.Float32, impliedBy));
        }

        void BatchNorm(string name, long channels, string impliedBy)
        {
            foreach (var tensor in new[] { "weight", "bias", "running_mean", "running_var" })
                list.Add(new(StateDictPart.Similarity, $"{name}.{tensor}", [channels], TensorDType.Float32, impliedBy));
            list.Add(new(StateDictPart.Similarity, $"{name}.num_batches_tracked", [], TensorDType.Int64, impliedBy));
        }

        Linear(StateDictPart.ImageEncoder, "fc", config.ImgDim, d, "img_dim, embed_size");

        list.Add(new(StateDictPart.TextEncoder, "embed.weight", [config.VocabSize, config.WordDim], TensorDType.Float32, "vocab_size, word_dim"));
        for (var layer = 0; layer < config.NumLayers; layer++)
        {
            long input = layer == 0 ? config.WordDim : config.BiGru ? 2 * d : d;
            var impliedBy = layer == 0 ? "word_dim, embed_size" : $"num_layers, bi_gru = {Lower(config.BiGru)}, embed_size";
            foreach (var suffix in config.BiGru ? new[] { "", "_reverse" } : [""])
            {
                var by = suffix.Length > 0 ? $"bi_gru = true, {impliedBy}" : impliedBy;
                list.Add(new(StateDictPart.TextEncoder, $"cap_rnn.weight_ih_l{layer}{suffix}", [3 * d, input], TensorDType.Float32, by));
                list.Add(new(StateDictPart.TextEncoder, $"cap_rnn.weight_hh_l{layer}{suffix}", [3 * d, d], TensorDType.Float32, by));
                list.Add(new(StateDictPart.TextEncoder, $"cap_rnn.bias_ih_l{layer}{suffix}", [3 * d], TensorDType.Float32, by));
                list.Add(new(StateDictPart.TextEncoder, $"cap_rnn.bias_hh_l{layer}{suffix}", [3 * d], TensorDType.Float32, by));
            }
        }

        const StateDictPart sim = StateDictPart.Similarity;
        Linear(sim, "v_global_w.embedding_local.0", d, d, "embed_size");
        BatchNorm("v_global_w.embedding_local.1", SgrafConfig.Regions, "36 regions per image");
        Linear(sim, "v_global_w.embedding_global.0", d, d, "embed_size");
        BatchNorm("v_global_w.embedding_global.1", d, "embed_size");
        Linear(sim, "v_global_w.embedding_common.0", d, 1, "embed_size");
        Linear(sim, "t_global_w.embedding_local.0", d, d, "embed_size");
        Linear(sim, "t_global_w.embedding_global.0", d, d, "embed_size");
        Linear(sim, "t_global_w.embedding_common.0", d, 1, "embed_size");
        Linear(sim, "sim_tranloc_w", d, s, "embed_size, sim_dim");
        Linear(sim, "sim_tranglo_w", d, s, "embed_size, sim_dim");
        Linear(sim, "sim_eval_w", s, 1, "sim_dim");
        if (config.Module == SimilarityModule.SGR)
        {
            for (var step = 0; step < config.SgrStep; step++)
                foreach (var name in new[] { "graph_query_w", "graph_key_w", "sim_graph_w" })
                    Linear(sim, $"SGR_module.{step}.{name}", s, s, "module_name = SGR, sgr_step, sim_dim");
        }
        else
        {
            Linear(sim, "SAF_module.attn_sim_w", s, 1, "module_name = SAF, sim_dim");
            BatchNorm("SAF_module.bn", 1, "module_name = SAF");
        }
        return list;
    }

    /// <summary>
    /// Throws an <see cref="InvalidInputException"/> about <paramref name="path"/> listing every expected tensor that
    /// is missing, has the wrong shape or kind of dtype, and every tensor the config does not explain.
    /// Floating-point parameters may be any float dtype (a half-precision checkpoint is fine); counters must be integers.
    /// </summary>
    public static void Validate(SgrafConfig config, ModelWeights weights, string path)
    {
        var problems = new List<string>();
        var expected = ExpectedParameters(config);
        foreach (var spec in expected)
        {
            var where = $"{spec.Part.Prefix()} '{spec.Key}'";
            if (!weights.Part(spec.Part).TryGetValue(spec.Key, out var tensor))
            {
                problems.Add($"{where} is missing (expected shape {HostTensor.FormatShape(spec.Shape)}, implied by {spec.ImpliedBy})");
                continue;
            }
            if (!tensor.Shape.AsSpan().SequenceEqual(spec.Shape))
                problems.Add($"{where} has shape {HostTensor.FormatShape(tensor.Shape)} but {HostTensor.FormatShape(spec.Shape)} is expected from {spec.ImpliedBy} ({Describe(config)})");
            if (tensor.DType.IsFloatingPoint() != spec.DType.IsFloatingPoint())
                problems.Add($"{where} has dtype {tensor.DType} but {spec.DType} is expected");
        }
        var known = expected.Select(e => (e.Part, e.Key)).ToHashSet();
        foreach (var part in Enum.GetValues<StateDictPart>())
            foreach (var key in weights.Part(part).Keys.Where(k => !known.Contains((part, k))))
                problems.Add($"{part.Prefix()} has an unexpected tensor '{key}', which a model with {Describe(config)} does not have");
        if (problems.Count == 0) return;
        const int shown = 8;
        var more = problems.Count > shown ? $"; and {problems.Count - shown} more problems" : "";
        throw InvalidInputException.InFile(path,
            $"the weights do not fit the model configuration: {string.Join("; ", problems.Take(shown))}{more}");
    }

    static string Describe(SgrafConfig c) =>
        $"module_name = {c.Module}, vocab_size = {c.VocabSize}, img_dim = {c.ImgDim}, word_dim = {c.WordDim}, " +
        $"embed_size = {c.EmbedSize}, sim_dim = {c.SimDim}, num_layers = {c.NumLayers}, bi_gru = {Lower(c.BiGru)}" +
        (c.Module == SimilarityModule.SGR ? $", sgr_step = {c.SgrStep}" : "");

    static string Lower(bool value) => value ? "true" : "false";
}
