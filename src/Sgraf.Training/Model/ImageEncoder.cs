using Sgraf.Inference.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>Spec §2: region features (B, 36, img_dim) → l2-normalised region embeddings (B, 36, embed_size).</summary>
public sealed class ImageEncoder : Module<Tensor, Tensor>
{
    // Field names are the official state-dict names (img_enc.fc.*), so checkpoints load by name.
    readonly Linear fc;
    readonly bool normalize;
    readonly ProductPrecision products;

    public ImageEncoder(SgrafConfig config, ProductPrecision products) : base("img_enc")
    {
        this.products = products;
        fc = Linear(config.ImgDim, config.EmbedSize);
        normalize = !config.NoImgNorm;
        RegisterComponents();
        // Xavier-uniform with a = sqrt(6 / (img_dim + embed_size)), zero bias (EncoderImage.init_weights).
        using (no_grad())
        {
            init.xavier_uniform_(fc.weight);
            fc.bias!.zero_();
        }
    }

    /// <summary>The fully connected layer regions enter through (img_enc.fc).</summary>
    public Linear FirstLayer => fc;

    public override Tensor forward(Tensor regionFeatures)
    {
        var embeddings = products.Linear(fc, regionFeatures);
        return normalize ? Normalization.L2Norm(embeddings, -1) : embeddings;
    }
}
