using ScottPlot;

namespace Sgraf.Training.Evaluation;

/// <summary>A PNG of shortlist recall (the exact top 10 kept) against shortlist size, for both directions.</summary>
public static class ShortlistCurve
{
    public static void Save(string path, ShortlistReport report, string title)
    {
        var plot = new Plot();
        double[] sizes = [.. report.Shortlists.Select(s => (double)s.K)];
        var t2i = plot.Add.Scatter(sizes, report.Shortlists.Select(s => 100 * s.TextToImageRecall).ToArray());
        t2i.LegendText = $"text to image ({report.CaptionQueries} caption queries, {report.Images} images)";
        var i2t = plot.Add.Scatter(sizes, report.Shortlists.Select(s => 100 * s.ImageToTextRecall).ToArray());
        i2t.LegendText = $"image to text ({report.ImageQueries} image queries, {report.Captions} captions)";
        var target = plot.Add.HorizontalLine(98);
        target.LinePattern = LinePattern.Dashed;
        target.LegendText = "98%";
        plot.Axes.Bottom.Label.Text = "shortlist size K";
        plot.Axes.Left.Label.Text = $"exact top-{report.ExactTop} inside the head's top K (%)";
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 500);
    }
}
