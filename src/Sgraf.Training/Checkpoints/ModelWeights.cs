using Sgraf.Inference;

namespace Sgraf.Training.Checkpoints;

/// <summary>
/// The weights of one SGR or SAF model as three state dicts (img_enc, txt_enc, sim_enc), keyed exactly as the
/// official PyTorch modules name them.
/// </summary>
public sealed class ModelWeights(
    IReadOnlyDictionary<string, HostTensor> imageEncoder,
    IReadOnlyDictionary<string, HostTensor> textEncoder,
    IReadOnlyDictionary<string, HostTensor> similarity)
{
    public IReadOnlyDictionary<string, HostTensor> ImageEncoder { get; } = imageEncoder;
    public IReadOnlyDictionary<string, HostTensor> TextEncoder { get; } = textEncoder;
    public IReadOnlyDictionary<string, HostTensor> Similarity { get; } = similarity;

    public IReadOnlyDictionary<string, HostTensor> Part(StateDictPart part) => part switch
    {
        StateDictPart.ImageEncoder => ImageEncoder,
        StateDictPart.TextEncoder => TextEncoder,
        StateDictPart.Similarity => Similarity,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    /// <summary>The tensor a layout entry names; throws <see cref="KeyNotFoundException"/> if absent.</summary>
    public HostTensor this[ParameterSpec spec] => Part(spec.Part)[spec.Key];

    /// <summary>Every tensor under its prefixed name (<c>img_enc.fc.weight</c>, ...), part by part in state-dict order.</summary>
    public IEnumerable<KeyValuePair<string, HostTensor>> Flatten() =>
        Enum.GetValues<StateDictPart>().SelectMany(part =>
            Part(part).Select(kv => KeyValuePair.Create($"{part.Prefix()}.{kv.Key}", kv.Value)));

    /// <summary>The inverse of <see cref="Flatten"/>; a name without a known prefix is an error about <paramref name="path"/>.</summary>
    public static ModelWeights FromFlat(IEnumerable<KeyValuePair<string, HostTensor>> tensors, string path)
    {
        var parts = Enum.GetValues<StateDictPart>().ToDictionary(p => p, _ => new Dictionary<string, HostTensor>());
        foreach (var (name, tensor) in tensors)
        {
            var part = parts.Keys.FirstOrDefault(p => name.StartsWith(p.Prefix() + ".", StringComparison.Ordinal), (StateDictPart)(-1));
            if (!parts.TryGetValue(part, out var dict))
                throw InvalidInputException.InFile(path, $"tensor '{name}' does not start with img_enc., txt_enc. or sim_enc.");
            dict[name[(part.Prefix().Length + 1)..]] = tensor;
        }
        return new(parts[StateDictPart.ImageEncoder], parts[StateDictPart.TextEncoder], parts[StateDictPart.Similarity]);
    }
}
