using TorchSharp;
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
    /// <param name="deferredNorm">Training mode: normalise with the batch statistics, leave the running statistics
    /// alone and add the statistics here for <see cref="UpdateRunningStatistics"/>. Null: BatchNorm1d as usual.</param>
    public Tensor forward(Tensor nodes, out Tensor attention, List<NormStatistics>? deferredNorm = null)
    {
        var raw = attn_sim_w.call(nodes).permute(0, 2, 1);                                   // (P, 1, L+1)
        var scores = training && deferredNorm is not null ? BatchStatisticsNorm(raw, deferredNorm) : bn.call(raw);
        attention = Normalization.L1Norm(scores.sigmoid(), -1);
        return Normalization.L2Norm(attention.matmul(nodes).squeeze(1), -1);
    }

    Tensor BatchStatisticsNorm(Tensor raw, List<NormStatistics> deferred)
    {
        using (no_grad())
        {
            var (variance, mean) = var_mean(raw, [0, 2], unbiased: true);
            deferred.Add(new NormStatistics(mean.cpu().data<float>().ToArray(), variance.cpu().data<float>().ToArray()));
        }
        return functional.batch_norm(raw, null, null, bn.weight, bn.bias, training: true, bn.momentum ?? 0.1, bn.eps);
    }

    /// <summary>What a training-mode BatchNorm1d call does to its running statistics, from statistics kept earlier.</summary>
    public void UpdateRunningStatistics(NormStatistics statistics)
    {
        using var _ = no_grad();
        double momentum = bn.momentum ?? 0.1;
        using var keep = (1 - momentum).ToScalar();
        using var take = momentum.ToScalar();
        var device = bn.running_mean!.device;
        bn.running_mean.mul_(keep).add_(tensor(statistics.Mean, device: device), take);
        bn.running_var!.mul_(keep).add_(tensor(statistics.Variance, device: device), take);
        using var one = 1L.ToScalar();
        bn.num_batches_tracked!.add_(one);
    }
}
