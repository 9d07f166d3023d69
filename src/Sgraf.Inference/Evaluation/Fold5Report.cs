namespace Sgraf.Inference.Evaluation;

/// <summary>
/// The COCO 1K protocol (official <c>evalrank(fold5=True)</c>): the matrix cut into five blocks of consecutive
/// images with their captions, each evaluated alone, and the numbers averaged.
/// </summary>
/// <param name="Folds">The five blocks' reports, in order, each with its ranks.</param>
/// <param name="Average">
/// Every number averaged over the folds. The official printout shows 6 × (mean i2t average recall) as "rsum"
/// (spec §13); this is the true mean rsum.
/// </param>
public sealed record Fold5Report(IReadOnlyList<RetrievalReport> Folds, RetrievalReport Average);
