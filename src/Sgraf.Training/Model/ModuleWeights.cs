using Sgraf.Training.Checkpoints;
using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>
/// Moves weights between a TorchSharp module (an SGR/SAF model, a shortlist head) and host tensors named like its
/// state dict (img_enc.fc.weight, image.local_in.weight, ...).
/// </summary>
public static class ModuleWeights
{
    /// <summary>Copies every parameter and buffer of <paramref name="module"/> from <paramref name="weights"/>.</summary>
    /// <exception cref="ArgumentException">A tensor is missing, has the wrong shape, or is not part of the module.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, HostTensor> weights, string description)
    {
        var state = module.state_dict();
        var unexpected = weights.Keys.Where(name => !state.ContainsKey(name)).ToList();
        if (unexpected.Count > 0)
            throw new ArgumentException($"weights not in a {description}: {string.Join(", ", unexpected)}");
        using var _ = no_grad();
        foreach (var (name, target) in state)
        {
            if (!weights.TryGetValue(name, out var source))
                throw new ArgumentException($"no weights for {name}");
            if (!source.Shape.SequenceEqual(target.shape))
                throw new ArgumentException(
                    $"{name}: weights have shape {HostTensor.FormatShape(source.Shape)}, the model expects {HostTensor.FormatShape(target.shape)}");
            using var value = target.dtype == ScalarType.Int64
                ? tensor(source.ToInt64(), target.shape)
                : tensor(source.ToFloat32(), target.shape);
            target.copy_(value);
        }
    }

    /// <summary>Every parameter and buffer of <paramref name="module"/> as host tensors, by state-dict name.</summary>
    public static Dictionary<string, HostTensor> Save(nn.Module module)
    {
        var result = new Dictionary<string, HostTensor>();
        foreach (var (name, value) in module.state_dict())
        {
            using var cpu = value.detach().cpu().contiguous();
            result[name] = cpu.dtype == ScalarType.Int64
                ? HostTensor.FromInt64(cpu.shape, cpu.data<long>().ToArray())
                : HostTensor.FromFloat32(cpu.shape, cpu.data<float>().ToArray());
        }
        return result;
    }
}
