using Sgraf.Inference.Data;

namespace Sgraf.Inference.Evaluation;

/// <summary>The official image–text retrieval evaluation (spec §13) of an images × captions score matrix.</summary>
public static class RetrievalEvaluation
{
    public const int Folds = 5;

    /// <summary>R@1/5/10, medr and meanr both ways (official <c>i2t</c>, <c>t2i</c>) and their rsum.</summary>
    /// <param name="captionsPerImage">Captions k·i .. k·i+k-1 describe image i; 5 in the official data.</param>
    public static RetrievalReport Evaluate(ScoreMatrix sims, int captionsPerImage = PrecompDataset.OfficialCaptionsPerImage)
    {
        var ranks = RetrievalRanks.Compute(sims, captionsPerImage);
        var i2t = RecallMetrics.FromRanks(ranks.ImageToText);
        var t2i = RecallMetrics.FromRanks(ranks.TextToImage);
        return new RetrievalReport(i2t, t2i, RetrievalReport.RsumOf(i2t, t2i), ranks);
    }

    /// <summary>
    /// The five-fold protocol: fold f holds images [f·n, f·n+n) and their captions, n = images / 5 (1000 for COCO 5K).
    /// </summary>
    public static Fold5Report EvaluateFold5(ScoreMatrix sims, int captionsPerImage = PrecompDataset.OfficialCaptionsPerImage)
    {
        RetrievalRanks.CheckShape(sims, captionsPerImage);
        if ( sims.Images % Folds != 0)
            throw new InvalidInputException($"fold5 evaluation splits the images into {Folds} equal folds, but there are {sims.Images}");
        var images = sims.Images / Folds;
        var captions = images * captionsPerImage;
        var folds = Enumerable.Range(0, Folds)
            .Select(f => Evaluate(sims.Slice(f * images, images, f * captions, captions), captionsPerImage))
            .ToArray();
        var average = new RetrievalReport(
            RecallMetrics.Average([.. folds.Select(f => f.ImageToText)]),
            RecallMetrics.Average([.. folds.Select(f => f.TextToImage)]),
            folds.Aggregate(0.0, (sum, f) => sum + f.Rsum) / Folds,
            Ranks: null);
        return new Fold5Report(folds, average);
    }
}
