using System.Text.Json;
using Sgraf.Inference.Evaluation;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Evaluation;

public class Fold5Tests
{
    static readonly ScoreMatrix Sims = ScoreMatrix.Load(OfficialFixture.Expected("sims_SGRAF.npy"));

    [Fact]
    public void Each_fold_is_the_evaluation_of_its_own_block()
    {
        var report = RetrievalEvaluation.EvaluateFold5(Sims);

        Assert.Equal(5, report.Folds.Count);
        for (var fold = 0; fold < 5; fold++)
        {
            // Fold f: images 4f..4f+3 against captions 20f..20f+19, cut out by hand.
            var block = new double[4 * 20];
            for (var i = 0; i < 4; i++)
                for (var j = 0; j < 20; j++)
                    block[i * 20 + j] = Sims[4 * fold + i, 20 * fold + j];
            var expected = RetrievalEvaluation.Evaluate(new ScoreMatrix(4, 20, block));

            Assert.Equal(expected.ImageToText, report.Folds[fold].ImageToText);
            Assert.Equal(expected.TextToImage, report.Folds[fold].TextToImage);
            Assert.Equal(expected.Rsum, report.Folds[fold].Rsum);
            Assert.Equal(expected.Ranks!.TextToImage, report.Folds[fold].Ranks!.TextToImage);
        }
    }

    [Fact]
    public void The_average_is_the_mean_of_every_fold_number()
    {
        var report = RetrievalEvaluation.EvaluateFold5(Sims);
        double Mean(Func<RetrievalReport, double> field) => report.Folds.Select(field).Sum() / 5;

        Assert.Equal(Mean(f => f.ImageToText.R1), report.Average.ImageToText.R1, 1e-12);
        Assert.Equal(Mean(f => f.ImageToText.R10), report.Average.ImageToText.R10, 1e-12);
        Assert.Equal(Mean(f => f.ImageToText.Medr), report.Average.ImageToText.Medr, 1e-12);
        Assert.Equal(Mean(f => f.TextToImage.R5), report.Average.TextToImage.R5, 1e-12);
        Assert.Equal(Mean(f => f.TextToImage.Meanr), report.Average.TextToImage.Meanr, 1e-12);
        // The true mean rsum, not the official printout's 6 × mean i2t average recall.
        Assert.Equal(Mean(f => f.Rsum), report.Average.Rsum, 1e-12);
        Assert.Null(report.Average.Ranks);
    }

    [Fact]
    public void The_average_serialises_like_a_single_report()
    {
        using var json = JsonDocument.Parse(RetrievalEvaluation.EvaluateFold5(Sims).Average.ToJson());

        Assert.Equal(["i2t", "t2i", "rsum"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["r1", "r5", "r10", "medr", "meanr"], json.RootElement.GetProperty("i2t").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Image_count_not_divisible_by_five_is_an_error()
    {
        var error = Assert.Throws<InvalidInputException>(() => RetrievalEvaluation.EvaluateFold5(new ScoreMatrix(6, 30, new double[180])));

        Assert.Contains("5 equal folds, but there are 6", error.Message);
    }
}
