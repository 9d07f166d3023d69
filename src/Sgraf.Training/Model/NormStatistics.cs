namespace Sgraf.Training.Model;

/// <summary>
/// The batch mean and unbiased variance a training-mode BatchNorm normalised one batch with, kept to update its
/// running statistics later: SAF scores captions on several threads, but the updates follow caption order (spec §10).
/// Host arrays, so they outlive the scoring thread's tensors.
/// </summary>
/// <param name="Mean">Per channel.</param>
/// <param name="Variance">Per channel, unbiased (n − 1): what PyTorch's running_var averages.</param>
public sealed record NormStatistics(float[] Mean, float[] Variance);
