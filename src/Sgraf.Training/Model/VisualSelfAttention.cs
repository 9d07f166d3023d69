using Sgraf.Inference.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>
/// Spec §4 VisualSA: the image's global vector as an attention-weighted sum of its region embeddings.
/// The local branch's BatchNorm has 36 channels and normalises over the region axis (a quirk of reading
/// (B, 36, D) as (N, C, Length)): each region index has its own statistics, shared by its D features.
/// </summary>
public sealed class VisualSelfAttention : Module<Tensor, Tensor, Tensor>
{
    // Sequential indices and field names match the official keys (v_global_w.embedding_local.0.weight, ...).
    readonly Sequential embedding_local;
    readonly Sequential embedding_global;
    readonly Sequential embedding_common;

    public VisualSelfAttention(int embedSize, double dropout = 0.4) : base("v_global_w")
    {
        var local = Linear(embedSize, embedSize);
        var global = Linear(embedSize, embedSize);
        var common = Linear(embedSize, 1);
        embedding_local = Sequential(("0", local), ("1", BatchNorm1d(SgrafConfig.Regions)), ("2", Tanh()), ("3", Dropout(dropout)));
        embedding_global = Sequential(("0", global), ("1", BatchNorm1d(embedSize)), ("2", Tanh()), ("3", Dropout(dropout)));
        embedding_common = Sequential(("0", common));
        RegisterComponents();
        XavierInit.Apply(local, global, common);
    }

    /// <param name="regions">(B, 36, D) region embeddings.</param>
    /// <param name="rawGlobal">(B, D) mean of the regions.</param>
    /// <returns>(B, D) l2-normalised global image vector.</returns>
    public override Tensor forward(Tensor regions, Tensor rawGlobal)
    {
        var localEmbedding = embedding_local.call(regions);
        var globalEmbedding = embedding_global.call(rawGlobal).unsqueeze(1);
        var weights = embedding_common.call(localEmbedding.mul(globalEmbedding)).squeeze(2).softmax(1);
        // The weights multiply the original region embeddings, not the tanh features.
        return Normalization.L2Norm(weights.unsqueeze(2).mul(regions).sum(1), -1);
    }
}
