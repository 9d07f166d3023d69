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
    const int ColumnBlock = 512;

    /// <summary>Ranks for a score matrix whose captions <c>k·i .. k·i+k-1</c> describe image i, k = <paramref name="captionsPerImage"/>.</summary>
    public static RetrievalRanks Compute(ScoreMatrix sims, int captionsPerImage)
    {
        CheckShape(sims, captionsPerImage);
        var i2t = new int[sims.Images];
        var i2tTop1 = new int[sims.Images];
        Parallel.For(0, sims.Images, image =>
        {
            var row = sims.Row(image);
            var first = image * captionsPerImage;
            var bestOwn = first + RankingOrder.Best(row.Slice(first, captionsPerImage));
            i2t[image] = RankingOrder.PositionOf(row, bestOwn);
            i2tTop1[image] = RankingOrder.Best(row);
        });

        var t2i = new int[sims.Captions];
        var t2iTop1 = new int[sims.Captions];
        var ownScore = new double[sims.Captions];
        for (var caption = 0; caption < sims.Captions; caption++) ownScore[caption] = sims[caption / captionsPerImage, caption];
        var bestScore = sims.Row(0).ToArray();
        // A caption's candidates are a column; walking the rows over a block of columns keeps memory access sequential.
        Parallel.For(0, (sims.Captions + ColumnBlock - 1) / ColumnBlock, block =>
        {
            var end = Math.Min((block + 1) * ColumnBlock, sims.Captions);
            for (var image = 0; image < sims.Images; image++)
            {
                var row = sims.Row(image);
                for (var caption = block * ColumnBlock; caption < end; caption++)
                {
                    var score = row[caption];
                    if (RankingOrder.Precedes(score, image, ownScore[caption], caption / captionsPerImage)) t2i[caption]++;
                    if (RankingOrder.Precedes(score, image, bestScore[caption], t2iTop1[caption]))
                        (t2iTop1[caption], bestScore[caption]) = (image, score);
                }
            }
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
