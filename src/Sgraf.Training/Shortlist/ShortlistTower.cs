using Sgraf.Inference.Runtime;
using Sgraf.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// One tower of the shortlist head, a DeepSets-style set function: a per-region (or per-word) MLP φ, generalized pooling
/// over the positions, a residual MLP ρ on the pooled vector, plus a linear map of the global vectors, l2-normalised.
/// φ runs on each region before pooling, so which attributes belong to which object survives pooling (a mean of the
/// raw embeddings loses that binding); ρ after pooling lets a dot product peak at a count ("exactly two red circles")
/// rather than grow with it, which a pooled sum alone cannot.
/// Generalized pooling (VSE∞, Chen et al. 2021): each output feature's values are sorted over the positions and
/// summed with softmax(θ) weights, so the tower learns where to sit between the mean (θ uniform) and the max.
/// </summary>
public sealed class ShortlistTower : Module<Tensor, Tensor?, Tensor, Tensor>
{
    // Field names are the tensor names in the head's weights (image.local_in.weight, ...).
    readonly Linear local_in;
    readonly Linear local_out;
    readonly Linear pooled_in;
    readonly Linear pooled_out;
    readonly Linear global;
    readonly Parameter positions;

    public ShortlistTower(string name, ShortlistHeadConfig config, int positionCount) : base(name)
    {
        local_in = Linear(config.InputDim, config.Hidden);
        local_out = Linear(config.Hidden, config.Dim);
        pooled_in = Linear(config.Dim, config.Hidden);
        pooled_out = Linear(config.Hidden, config.Dim);
        global = Linear(config.InputDim, config.Dim);
        positions = Parameter(InitialPositions(config.Pooling, positionCount), requires_grad: config.Pooling == ShortlistPooling.Gpo);
        RegisterComponents();
    }

    /// <summary>
    /// θ at the start: zeros (the mean) for gpo and mean; for max, all weight on the largest value (e^−10⁴ is 0 in float).
    /// Mean and max keep θ fixed; they are gpo with frozen weights, so all three export as one graph.
    /// </summary>
    static Tensor InitialPositions(ShortlistPooling pooling, int count)
    {
        var values = new float[count];
        if (pooling == ShortlistPooling.Max) Array.Fill(values, -1e4f, 1, count - 1);
        return tensor(values);
    }

    /// <param name="locals">(B, K, input_dim) region or word features, left-aligned.</param>
    /// <param name="lengths">(B) int64 valid positions per row, or null when all K are valid (images).</param>
    /// <param name="globals">(B, input_dim) global vectors.</param>
    /// <returns>(B, dim) l2-normalised vectors.</returns>
    public override Tensor forward(Tensor locals, Tensor? lengths, Tensor globals)
    {
        long batch = locals.shape[0], count = locals.shape[1];
        var features = local_out.call(functional.relu(local_in.call(locals)));           // (B, K, P)
        using var lowest = float.MinValue.ToScalar();
        using var zero = 0f.ToScalar();
        Tensor? invalid = null;
        if (lengths is not null)
        {
            invalid = arange(count, device: locals.device).unsqueeze(0).ge(lengths.to(locals.device).unsqueeze(1));   // (B, K)
            features = features.masked_fill(invalid.unsqueeze(2), lowest);
        }
        // Padded positions hold the lowest float, so they sort last: the first `length` sorted values are the real ones.
        var sorted = features.sort(1, descending: true).Values;
        using var last = ((long)positions.shape[0] - 1).ToScalar();
        var logits = positions.index_select(0, arange(count, device: locals.device).clamp_max(last)).unsqueeze(0).expand(batch, count);
        if (invalid is not null)
        {
            logits = logits.masked_fill(invalid, lowest);
            sorted = sorted.masked_fill(invalid.unsqueeze(2), zero);
        }
        var pooled = logits.softmax(1).unsqueeze(1).matmul(sorted).squeeze(1);             // (B, P)
        var set = pooled.add(pooled_out.call(functional.relu(pooled_in.call(pooled))));
        return Normalization.L2Norm(set.add(global.call(globals)), -1);
    }
}
