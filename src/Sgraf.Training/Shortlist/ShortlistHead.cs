using Sgraf.Inference.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// The shortlist head: an image tower over the frozen encoders' region embeddings and global vectors, a text tower
/// over word embeddings and the caption global, and a learned logit scale used only by the training loss (ranking
/// by dot product does not depend on it).
/// </summary>
public sealed class ShortlistHead : Module
{
    readonly ShortlistTower image;
    readonly ShortlistTower text;
    readonly Parameter logit_scale;

    public ShortlistHeadConfig Config { get; }

    public ShortlistHead(ShortlistHeadConfig config) : base("shortlist")
    {
        config.Validate();
        Config = config;
        image = new ShortlistTower("image", config, ShortlistHeadConfig.ImagePositions);
        text = new ShortlistTower("text", config, config.TextPositions);
        // exp(3) ≈ 20, i.e. a softmax temperature of 0.05 on cosines at the start (as CLIP-style losses do).
        logit_scale = Parameter(tensor(3f));
        RegisterComponents();
    }

    public ShortlistTower ImageTower => image;
    public ShortlistTower TextTower => text;

    /// <summary>The factor on cosines in the training loss, capped at 100 so logits stay tame.</summary>
    public Tensor LogitScale()
    {
        using var cap = Math.Log(100).ToScalar();
        return logit_scale.clamp_max(cap).exp();
    }

    /// <summary>(N, 36, input_dim) regions and (N, input_dim) globals → (N, dim) image vectors.</summary>
    public Tensor EncodeImages(Tensor regions, Tensor globals) => image.call(regions, null, globals);

    /// <summary>(B, L, input_dim) words, (B) lengths and (B, input_dim) globals → (B, dim) caption vectors.</summary>
    public Tensor EncodeCaptions(Tensor words, Tensor lengths, Tensor globals) => text.call(words, lengths, globals);
}
