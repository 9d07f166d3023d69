using Sgraf.Inference.Model;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Model;

/// <summary>
/// One SGR or SAF model (spec §2–§8): image encoder, text encoder and similarity encoder, named
/// img_enc / txt_enc / sim_enc like the three state dicts of an official checkpoint.
/// </summary>
public sealed class SgrafModel : Module
{
    readonly ImageEncoder img_enc;
    readonly TextEncoder txt_enc;
    readonly SimilarityEncoder sim_enc;

    public SgrafConfig Config { get; }

    /// <summary>The precision of the large matrix products, float32 unless training switches it (<see cref="ProductPrecision"/>).</summary>
    public ProductPrecision Products { get; } = new();

    public SgrafModel(SgrafConfig config) : base(config.Module.ToString())
    {
        config.Validate();
        Config = config;
        img_enc = new ImageEncoder(config, Products);
        txt_enc = new TextEncoder(config);
        sim_enc = new SimilarityEncoder(config, Products);
        RegisterComponents();
    }

    public ImageEncoder ImageEncoder => img_enc;
    public TextEncoder TextEncoder => txt_enc;
    public SimilarityEncoder SimilarityEncoder => sim_enc;

    /// <summary>Where the weights live; inputs go there, token lengths stay on the CPU.</summary>
    public Device Device => img_enc.parameters().First().device;

    /// <summary>
    /// Sets the drop probability of every dropout layer (0.4 as built). With 0 a training-mode forward is
    /// deterministic while BatchNorm still uses batch statistics, which gradient checks need.
    /// </summary>
    public void SetDropout(double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probability);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        foreach (var dropout in modules().OfType<TorchSharp.Modules.Dropout>()) dropout.p = probability;
    }

    /// <summary>(B, 36, img_dim) region features → (B, 36, D) region embeddings.</summary>
    public Tensor EncodeImages(Tensor regionFeatures) => img_enc.call(regionFeatures);

    /// <summary>(B, L) token ids + (B) lengths → (B, max length, D) word embeddings.</summary>
    public Tensor EncodeCaptions(Tensor tokenIds, Tensor lengths) => txt_enc.call(tokenIds, lengths);

    /// <summary>(N_img, N_cap) scores of encoded images against encoded captions.</summary>
    public Tensor Score(Tensor regions, Tensor words, long[] lengths) => sim_enc.call(regions, words, lengths);

    /// <summary>(N_img, N_cap) global-only baseline scores: v_glo · t_glo, no local alignment.</summary>
    public Tensor ScoreGlobalOnly(Tensor regions, Tensor words, long[] lengths) => sim_enc.GlobalOnlyScores(regions, words, lengths);
}
