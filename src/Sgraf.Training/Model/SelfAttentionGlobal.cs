using Sgraf.Inference.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>
/// Spec §4: a global vector as an attention-weighted sum of local vectors — VisualSA over an image's regions,
/// TextSA over a caption's words. The two differ only in VisualSA's BatchNorms; its local-branch BatchNorm
/// has 36 channels and normalises over the region axis (a quirk of reading (B, 36, D) as (N, C, Length)):
/// each region index has its own statistics, shared by its D features.
/// </summary>
public sealed class SelfAttentionGlobal : Module<Tensor, Tensor, Tensor>
{
    // Sequential indices and field names match the official keys (v_global_w.embedding_local.0.weight, ...).
    readonly Sequential embedding_local;
    readonly Sequential embedding_global;
    readonly Sequential embedding_common;

    /// <summary>VisualSA (<c>v_global_w</c>): BatchNorm in both branches.</summary>
    public static SelfAttentionGlobal Visual(int embedSize) => new("v_global_w", embedSize, batchNorm: true);

    /// <summary>TextSA (<c>t_global_w</c>): no BatchNorm anywhere.</summary>
    public static SelfAttentionGlobal Text(int embedSize) => new("t_global_w", embedSize, batchNorm: false);

    SelfAttentionGlobal(string name, int embedSize, bool batchNorm, double dropout = 0.4) : base(name)
    {
        var local = Linear(embedSize, embedSize);
        var global = Linear(embedSize, embedSize);
        var common = Linear(embedSize, 1);
        embedding_local = Branch(local, batchNorm ? BatchNorm1d(SgrafConfig.Regions) : null, dropout);
        embedding_global = Branch(global, batchNorm ? BatchNorm1d(embedSize) : null, dropout);
        embedding_common = Sequential(("0", common));
        RegisterComponents();
        XavierInit.Apply(local, global, common);
    }

    static Sequential Branch(Linear linear, BatchNorm1d? norm, double dropout)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)> { ("0", linear) };
        if (norm is not null) layers.Add(("1", norm));
        layers.Add((layers.Count.ToString(), Tanh()));
        layers.Add((layers.Count.ToString(), Dropout(dropout)));
        return Sequential(layers);
    }

    /// <param name="locals">(B, K, D) region or word embeddings (every row has K valid vectors).</param>
    /// <param name="rawGlobal">(B, D) their mean.</param>
    /// <returns>(B, D) l2-normalised global vector.</returns>
    public override Tensor forward(Tensor locals, Tensor rawGlobal)
    {
        var localEmbedding = embedding_local.call(locals);
        var globalEmbedding = embedding_global.call(rawGlobal).unsqueeze(1);
        var weights = embedding_common.call(localEmbedding.mul(globalEmbedding)).squeeze(2).softmax(1);
        // The weights multiply the original local embeddings, not the tanh features.
        return Normalization.L2Norm(weights.unsqueeze(2).mul(locals).sum(1), -1);
    }
}
