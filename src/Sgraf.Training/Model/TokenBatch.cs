using static TorchSharp.torch;

namespace Sgraf.Training.Model;

/// <summary>Token-id sequences of different lengths as the (B, L_max) padded ids and (B) lengths the text encoder takes.</summary>
public static class TokenBatch
{
    public static (Tensor Ids, Tensor Lengths) Pad(IReadOnlyList<int[]> sequences)
    {
        int maxLength = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * maxLength];     // 0 = <pad>
        for (int b = 0; b < sequences.Count; b++)
            for (int t = 0; t < sequences[b].Length; t++)
                ids[b * maxLength + t] = sequences[b][t];
        var lengths = sequences.Select(s => (long)s.Length).ToArray();
        return (tensor(ids, [sequences.Count, maxLength]), tensor(lengths));
    }
}
