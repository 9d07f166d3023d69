using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Onnx;

/// <summary>A checkpoint's tensors by state-dict name, as float arrays, with eval-mode BatchNorm folded into an affine map.</summary>
internal sealed class ExportWeights(ModelCheckpoint checkpoint)
{
    const double BatchNormEpsilon = 1e-5;

    readonly Dictionary<string, HostTensor> tensors = checkpoint.Weights.Flatten().ToDictionary();

    /// <summary>The tensor <paramref name="name"/> (e.g. <c>img_enc.fc.weight</c>) as float32, row-major.</summary>
    public float[] this[string name] =>
        tensors.TryGetValue(name, out var tensor) ? tensor.ToFloat32() : throw new ArgumentException($"the checkpoint has no tensor {name}");

    /// <summary>
    /// Eval-mode BatchNorm1d (spec preamble) as y = x·scale + shift per channel:
    /// scale = γ / sqrt(running_var + 1e-5), shift = β − running_mean·scale, computed in float64.
    /// </summary>
    public (float[] Scale, float[] Shift) FoldedBatchNorm(string prefix)
    {
        var gamma = this[$"{prefix}.weight"];
        var beta = this[$"{prefix}.bias"];
        var mean = this[$"{prefix}.running_mean"];
        var variance = this[$"{prefix}.running_var"];
        var scale = new float[gamma.Length];
        var shift = new float[gamma.Length];
        for (int c = 0; c < gamma.Length; c++)
        {
            double s = gamma[c] / Math.Sqrt(variance[c] + BatchNormEpsilon);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - mean[c] * s);
        }
        return (scale, shift);
    }

    /// <summary>
    /// A Linear (weight (out, in), bias (out)) followed by a per-output-feature BatchNorm, as one Linear:
    /// W' = diag(scale) W, b' = scale·b + shift.
    /// </summary>
    public (float[] Weight, float[] Bias) LinearWithBatchNorm(string linear, string batchNorm)
    {
        var weight = this[$"{linear}.weight"];
        var bias = this[$"{linear}.bias"];
        var (scale, shift) = FoldedBatchNorm(batchNorm);
        int outFeatures = bias.Length, inFeatures = weight.Length / outFeatures;
        if (scale.Length != outFeatures && scale.Length != 1)
            throw new ArgumentException($"{batchNorm} has {scale.Length} channels but {linear} has {outFeatures} outputs");
        var folded = new float[weight.Length];
        var foldedBias = new float[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            double s = scale[scale.Length == 1 ? 0 : o];
            for (int i = 0; i < inFeatures; i++) folded[o * inFeatures + i] = (float)(weight[o * inFeatures + i] * s);
            foldedBias[o] = (float)(bias[o] * s + shift[scale.Length == 1 ? 0 : o]);
        }
        return (folded, foldedBias);
    }
}
