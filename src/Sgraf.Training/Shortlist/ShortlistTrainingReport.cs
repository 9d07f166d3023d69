using System.Globalization;
using ScottPlot;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// What a head's training leaves beside its weights: <c>training_log.csv</c> (loss parts, learning rate, validation
/// recalls and seconds per epoch) and <c>training_curves.png</c> (loss and validation recalls per epoch).
/// </summary>
public static class ShortlistTrainingReport
{
    public const string LogFileName = "training_log.csv";
    public const string CurvesFileName = "training_curves.png";

    public static void WriteLog(string path, IEnumerable<ShortlistEpochResult> epochs)
    {
        var lines = new List<string> { "epoch,loss,distillation,contrastive,lr,t2i_recall,t2i_top,t2i_shortlist,i2t_recall,i2t_top,i2t_shortlist,seconds" };
        foreach (var e in epochs)
        {
            var v = e.Validation;
            lines.Add(string.Join(",", new object[]
            {
                e.Epoch, e.MeanLoss, e.MeanDistillation, e.MeanContrastive, e.LearningRate,
                v.TextToImage, v.TextToImageTop, v.TextToImageShortlist, v.ImageToText, v.ImageToTextTop, v.ImageToTextShortlist, e.Seconds,
            }.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))));
        }
        File.WriteAllLines(path, lines);
    }

    public static void SaveCurves(string path, IReadOnlyList<ShortlistEpochResult> epochs, string title)
    {
        var plot = new Plot();
        double[] x = [.. epochs.Select(e => (double)e.Epoch)];
        var loss = plot.Add.Scatter(x, epochs.Select(e => e.MeanLoss).ToArray());
        loss.LegendText = "mean training loss";
        loss.Axes.YAxis = plot.Axes.Left;
        foreach (var (name, values) in new[]
        {
            ($"validation t2i recall (exact top-{epochs[0].Validation.TextToImageTop} in head top-{epochs[0].Validation.TextToImageShortlist})",
                epochs.Select(e => 100 * e.Validation.TextToImage).ToArray()),
            ($"validation i2t recall (exact top-{epochs[0].Validation.ImageToTextTop} in head top-{epochs[0].Validation.ImageToTextShortlist})",
                epochs.Select(e => 100 * e.Validation.ImageToText).ToArray()),
        })
        {
            var line = plot.Add.Scatter(x, values);
            line.LegendText = name;
            line.Axes.YAxis = plot.Axes.Right;
        }
        plot.Axes.Left.Label.Text = "loss";
        plot.Axes.Right.Label.Text = "recall (%)";
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerCenter);
        plot.SavePng(path, 900, 500);
    }
}
