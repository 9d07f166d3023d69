using System.Text.Json;
using Sgraf.Inference.Evaluation;

namespace Sgraf.Inference.Tests.Evaluation;

public class RetrievalEvaluationTests
{
    // Two images, five captions each, every score equal: the order is decided by the tie rule alone.
    static ScoreMatrix AllTied() => new(2, 10, Enumerable.Repeat(0.5, 20).ToArray());

    [Fact]
    public void Ties_rank_the_higher_index_first()
    {
        var ranks = RetrievalEvaluation.Evaluate(AllTied()).Ranks!;

        // Image 0's captions 0..4 come after captions 9..5; its best, caption 4, is at position 5.
        Assert.Equal([5, 0], ranks.ImageToText);
        Assert.Equal([9, 9], ranks.ImageToTextTop1);
        // Image 1 comes before image 0 for every caption.
        Assert.Equal([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], ranks.TextToImage);
        Assert.Equal(Enumerable.Repeat(1, 10), ranks.TextToImageTop1);
    }

    [Fact]
    public void Metrics_of_the_tied_matrix_by_hand()
    {
        var report = RetrievalEvaluation.Evaluate(AllTied());

        // i2t ranks [5, 0]: median 2.5 → medr 3. t2i ranks five 1s and five 0s: median 0.5 → medr 1.
        Assert.Equal(new RecallMetrics(50, 50, 100, 3, 3.5), report.ImageToText);
        Assert.Equal(new RecallMetrics(50, 100, 100, 1, 1.5), report.TextToImage);
        Assert.Equal(450, report.Rsum);
    }

    [Fact]
    public void ToJson_has_the_official_fields_and_nothing_else()
    {
        var json = RetrievalEvaluation.Evaluate(AllTied()).ToJson();

        Assert.Equal(
            """{"i2t":{"r1":50,"r5":50,"r10":100,"medr":3,"meanr":3.5},"t2i":{"r1":50,"r5":100,"r10":100,"medr":1,"meanr":1.5},"rsum":450}""",
            json);
    }

    [Fact]
    public void Only_the_best_of_an_images_captions_counts()
    {
        // Image 0 ranks its own caption 3 second (after caption 7), its other captions last.
        var sims = new double[20];
        sims[7] = 0.9;
        sims[3] = 0.8;
        for (var j = 10; j < 20; j++) sims[j] = 0.5;
        sims[10 + 9] = 1.0;

        var ranks = RetrievalEvaluation.Evaluate(new ScoreMatrix(2, 10, sims)).Ranks!;

        Assert.Equal([1, 0], ranks.ImageToText);
        Assert.Equal([7, 9], ranks.ImageToTextTop1);
    }

    [Fact]
    public void Nan_ranks_first_as_numpy_sorts_it_last()
    {
        double[] sims = [0.9, 0.9, 0.9, 0.9, 0.9, double.NaN, 0.1, 0.1, 0.1, 0.1, .. new double[10]];

        var ranks = RetrievalEvaluation.Evaluate(new ScoreMatrix(2, 10, sims)).Ranks!;

        Assert.Equal(1, ranks.ImageToText[0]);
        Assert.Equal(5, ranks.ImageToTextTop1[0]);
        // Caption 5: image 0's NaN beats image 1's 0, so its own image 1 is second.
        Assert.Equal(1, ranks.TextToImage[5]);
    }

    [Fact]
    public void Positive_and_negative_zero_tie()
    {
        var ranks = RetrievalEvaluation.Evaluate(new ScoreMatrix(2, 2, [-0.0, -1, 0.0, -1]), captionsPerImage: 1).Ranks!;

        // Caption 0: images 0 and 1 tie, so image 1 is first and caption 0's image is second.
        Assert.Equal([1, 0], ranks.TextToImage);
    }

    [Fact]
    public void One_caption_per_image()
    {
        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];

        var report = RetrievalEvaluation.Evaluate(new ScoreMatrix(3, 3, identity), captionsPerImage: 1);

        Assert.Equal(new RecallMetrics(100, 100, 100, 1, 1), report.ImageToText);
        Assert.Equal(new RecallMetrics(100, 100, 100, 1, 1), report.TextToImage);
        Assert.Equal(600, report.Rsum);
    }

    [Fact]
    public void Captions_not_five_per_image_is_an_error()
    {
        var error = Assert.Throws<InvalidInputException>(() => RetrievalEvaluation.Evaluate(new ScoreMatrix(2, 9, new double[18])));

        Assert.Contains("2 images × 9 captions", error.Message);
    }

    [Fact]
    public void Medr_of_an_even_count_averages_the_two_middle_ranks()
    {
        var metrics = RecallMetrics.FromRanks([20, 0, 8, 3]);

        // median (3 + 8) / 2 = 5.5 → floor 5, +1; mean 31 / 4 = 7.75, +1.
        Assert.Equal(new RecallMetrics(25, 50, 75, 6, 8.75), metrics);
    }

    [Fact]
    public void Medr_of_an_odd_count_is_the_middle_rank()
    {
        Assert.Equal(5, RecallMetrics.FromRanks([9, 4, 1]).Medr);
    }

    [Fact]
    public void Report_json_parses_with_exactly_three_top_level_fields()
    {
        using var json = JsonDocument.Parse(RetrievalEvaluation.Evaluate(AllTied()).ToJson());

        Assert.Equal(["i2t", "t2i", "rsum"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["r1", "r5", "r10", "medr", "meanr"], json.RootElement.GetProperty("t2i").EnumerateObject().Select(p => p.Name));
    }
}
