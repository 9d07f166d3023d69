namespace Sgraf.Inference.Evaluation;

/// <summary>
/// Where each query's ground truth lands in its ranking, as the official <c>i2t</c> / <c>t2i</c> return them
/// with <c>return_ranks=True</c> (spec §13), ties broken as <see cref="RankingOrder"/> documents. All 0-based.
/// </summary>
/// <param name="ImageToText">Per image: the best position of any of its captions among all captions.</param>
/// <param name="ImageToTextTop1">Per image: the caption ranked first.</param>
/// <param name="TextToImage">Per caption: the position of its image among all images.</param>
/// <param name="TextToImageTop1">Per caption: the image ranked first.</param>
public sealed record RetrievalRanks(int[] ImageToText, int[] ImageToTextTop1, int[] TextToImage, int[] TextToImageTop1)
{
    /// <summary>Ranks for a score matrix whose captions <c>k·i .. k·i+k-1</c> describe image i, k = <paramref name="captionsPerImage"/>.</summary>
    public static RetrievalRanks Compute(ScoreMatrix sims, int captionsPerImage)
    {
        CheckShape(sims, captionsPerImage);
        var i2t = new int[sims.Images];
        var i2tTop1 = new int[sims.Images];
        Parallel.For(0, sims.Images, image =>
        {
            double Score(int caption) => sims[image, caption];
            var bestOwn = RankingOrder.Best(image * captionsPerImage, captionsPerImage, Score);
            i2t[image] = RankingOrder.PositionOf(bestOwn, sims.Captions, Score);
            i2tTop1[image] = RankingOrder.Best(0, sims.Captions, Score);
        });

        var t2i = new int[sims.Captions];
        var t2iTop1 = new int[sims.Captions];
        Parallel.For(0, sims.Captions, caption =>
        {
            double Score(int image) => sims[image, caption];
            t2i[caption] = RankingOrder.PositionOf(caption / captionsPerImage, sims.Images, Score);
            t2iTop1[caption] = RankingOrder.Best(0, sims.Images, Score);
        });
        return new RetrievalRanks(i2t, i2tTop1, t2i, t2iTop1);
    }

    internal static void CheckShape(ScoreMatrix sims, int captionsPerImage)
    {
        ArgumentNullException.ThrowIfNull(sims);
        ArgumentOutOfRangeException.ThrowIfLessThan(captionsPerImage, 1);
        if (sims.Images == 0 || sims.Captions != captionsPerImage * sims.Images)
            throw new InvalidInputException(
                $"score matrix is {sims.Images} images × {sims.Captions} captions, but {captionsPerImage} captions per image " +
                $"need {captionsPerImage * sims.Images} captions and at least one image");
    }
}
