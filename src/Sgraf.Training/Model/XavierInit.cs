using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>Initialisation shared by VisualSA, TextSA and the similarity encoder: Xavier-uniform weights, zero biases.</summary>
internal static class XavierInit
{
    public static void Apply(params Linear[] layers)
    {
        using var _ = no_grad();
        foreach (var layer in layers)
        {
            init.xavier_uniform_(layer.weight);
            layer.bias!.zero_();
        }
    }
}
