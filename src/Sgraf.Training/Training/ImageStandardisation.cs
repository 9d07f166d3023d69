using Sgraf.Inference.Data;
using Sgraf.Training.Model;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// Input standardisation folded exactly into the image encoder's first layer at initialisation: with μ and σ the
/// per-channel mean and standard deviation of the training regions, W' = W·diag(1/σ) and b' = b − W·(μ/σ), so
/// fc(x) = W·(x − μ)/σ + b. Grid features from a ReLU network are non-negative with a large shared mean, which at a
/// Xavier start makes every region embedding point the same way after l2norm; this start removes that without
/// changing the architecture (the model still takes raw features, as the official one does).
/// </summary>
public static class ImageStandardisation
{
    // Channels that never vary (dead ReLU units) keep their weights instead of being divided by ~0.
    const double MinStd = 1e-6;

    /// <summary>Per-channel mean and standard deviation over every region of <paramref name="train"/>.</summary>
    public static (double[] Mean, double[] Std) Statistics(PrecompDataset train)
    {
        int dim = train.ImageDim;
        var sum = new double[dim];
        var sumSq = new double[dim];
        var features = train.ImageFeatures;
        long rows = features.Length / dim;
        for (long r = 0; r < rows; r++)
        {
            var row = features.AsSpan((int)(r * dim), dim);
            for (int c = 0; c < dim; c++)
            {
                double v = row[c];
                sum[c] += v;
                sumSq[c] += v * v;
            }
        }
        var mean = new double[dim];
        var std = new double[dim];
        for (int c = 0; c < dim; c++)
        {
            mean[c] = sum[c] / rows;
            std[c] = Math.Sqrt(Math.Max(0, sumSq[c] / rows - mean[c] * mean[c]));
        }
        return (mean, std);
    }

    /// <summary>Folds the statistics of <paramref name="train"/> into <paramref name="model"/>'s image fc (in place).</summary>
    public static void Fold(SgrafModel model, PrecompDataset train)
    {
        var (mean, std) = Statistics(train);
        var kept = std.Select(s => s > MinStd).ToArray();
        var fc = model.ImageEncoder.FirstLayer;
        var device = fc.weight!.device;
        using var _ = no_grad();
        using var inverseStd = tensor(std.Select((s, c) => kept[c] ? (float)(1.0 / s) : 1f).ToArray(), device: device);
        using var keptMean = tensor(mean.Select((m, c) => kept[c] ? (float)m : 0f).ToArray(), device: device);
        fc.weight.mul_(inverseStd.unsqueeze(0));
        // b' = b − (W/σ)·μ, with the weight already divided by σ.
        using var shift = matmul(fc.weight, keptMean);
        fc.bias!.sub_(shift);
    }
}
