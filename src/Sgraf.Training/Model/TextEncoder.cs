using TorchSharp;
using Sgraf.Inference.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>
/// Spec §3: token ids (B, L) and true lengths → word embeddings (B, max length, embed_size), zero past
/// each caption's length. Word vectors go through a packed GRU, so padding never reaches it; with a
/// bidirectional GRU the two directions are averaged, not concatenated.
/// </summary>
public sealed class TextEncoder : Module<Tensor, Tensor, Tensor>
{
    // Field names are the official state-dict names (txt_enc.embed.*, txt_enc.cap_rnn.*).
    readonly Embedding embed;
    readonly Dropout dropout;
    readonly GRU cap_rnn;
    readonly bool bidirectional;
    readonly bool normalize;

    public TextEncoder(SgrafConfig config) : base("txt_enc")
    {
        embed = Embedding(config.VocabSize, config.WordDim);
        dropout = Dropout(0.4);
        cap_rnn = GRU(config.WordDim, config.EmbedSize, config.NumLayers, batchFirst: true, bidirectional: config.BiGru);
        bidirectional = config.BiGru;
        normalize = !config.NoTxtNorm;
        RegisterComponents();
        // Embedding U(-0.1, 0.1) (EncoderText.init_weights); the GRU keeps PyTorch's default init.
        using (no_grad()) embed.weight!.uniform_(-0.1, 0.1);
    }

    /// <param name="tokenIds">(B, L) int64, padded with anything past each length.</param>
    /// <param name="lengths">(B) int64 on the CPU: the number of tokens of each caption, &lt;start&gt; and &lt;end&gt; included.</param>
    public override Tensor forward(Tensor tokenIds, Tensor lengths)
    {
        var words = dropout.call(embed.call(tokenIds));
        var packed = TorchSharp.torch.nn.utils.rnn.pack_padded_sequence(words, lengths, batch_first: true, enforce_sorted: false);
        var (output, _) = cap_rnn.call(packed, null);
        var (padded, _) = TorchSharp.torch.nn.utils.rnn.pad_packed_sequence(output, batch_first: true);
        if (bidirectional)
        {
            var halves = padded.chunk(2, dim: 2);
            using var two = 2.0.ToScalar();   // explicit: see Normalization
            padded = halves[0].add(halves[1]).div(two);
        }
        return normalize ? Normalization.L2Norm(padded, -1) : padded;
    }
}
