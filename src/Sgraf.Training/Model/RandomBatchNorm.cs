using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>
/// Gives every BatchNorm of a freshly built model random running statistics, γ and β. A new model has mean 0,
/// variance 1, γ 1, β 0, which would let a wrong eval-mode BatchNorm fold go unnoticed in benchmarks and
/// parity tests of random full-size models.
/// </summary>
internal static class RandomBatchNorm
{
    public static void Apply(SgrafModel model)
    {
        using var _ = no_grad();
        foreach (var norm in model.modules().OfType<BatchNorm1d>())
        {
            norm.running_mean!.copy_(randn_like(norm.running_mean).mul(0.1));
            norm.running_var!.copy_(rand_like(norm.running_var).mul(1.5).add(0.5));
            norm.weight!.copy_(rand_like(norm.weight).add(0.5));
            norm.bias!.copy_(randn_like(norm.bias).mul(0.1));
        }
    }
}
