using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>Spec §4 TextSA: VisualSA's structure over a caption's words, with no BatchNorm.</summary>
public sealed class TextSelfAttention : Module<Tensor, Tensor, Tensor>
{
    readonly Sequential embedding_local;
    readonly Sequential embedding_global;
    readonly Sequential embedding_common;

    public TextSelfAttention(int embedSize, double dropout = 0.4) : base("t_global_w")
    {
        var local = Linear(embedSize, embedSize);
        var global = Linear(embedSize, embedSize);
        var common = Linear(embedSize, 1);
        embedding_local = Sequential(("0", local), ("1", Tanh()), ("2", Dropout(dropout)));
        embedding_global = Sequential(("0", global), ("1", Tanh()), ("2", Dropout(dropout)));
        embedding_common = Sequential(("0", common));
        RegisterComponents();
        XavierInit.Apply(local, global, common);
    }

    /// <param name="words">(B, L, D) word embeddings of captions that all have L valid words.</param>
    /// <param name="rawGlobal">(B, D) mean of the words.</param>
    /// <returns>(B, D) l2-normalised global caption vector.</returns>
    public override Tensor forward(Tensor words, Tensor rawGlobal)
    {
        var localEmbedding = embedding_local.call(words);
        var globalEmbedding = embedding_global.call(rawGlobal).unsqueeze(1);
        var weights = embedding_common.call(localEmbedding.mul(globalEmbedding)).squeeze(2).softmax(1);
        return Normalization.L2Norm(weights.unsqueeze(2).mul(words).sum(1), -1);
    }
}
