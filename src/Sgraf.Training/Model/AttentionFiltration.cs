using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>Spec §7: similarity attention filtration — a weighted sum of the similarity nodes.</summary>
public sealed class AttentionFiltration : Module<Tensor, Tensor>
{
    readonly Linear attn_sim_w;
    // BatchNorm1d(1): one channel, so in eval mode it is a single scalar affine map of every node's score.
    readonly BatchNorm1d bn;

    public AttentionFiltration(int simDim) : base("SAF_module")
    {
        attn_sim_w = Linear(simDim, 1);
        bn = BatchNorm1d(1);
        RegisterComponents();
        XavierInit.Apply(attn_sim_w);
    }

    /// <param name="nodes">(P, L+1, S) similarity nodes.</param>
    /// <returns>(P, S) l2-normalised similarity vector.</returns>
    public override Tensor forward(Tensor nodes) => forward(nodes, out _);

    /// <param name="attention">(P, 1, L+1) the l1-normalised node weights.</param>
    public Tensor forward(Tensor nodes, out Tensor attention)
    {
        var scores = bn.call(attn_sim_w.call(nodes).permute(0, 2, 1));               // (P, 1, L+1)
        attention = Normalization.L1Norm(scores.sigmoid(), -1);
        return Normalization.L2Norm(attention.matmul(nodes).squeeze(1), -1);
    }
}
