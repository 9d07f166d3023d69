using ScottPlot;

namespace Sgraf.Training.Training;

/// <summary>A PNG of the run at a glance: mean training loss and validation rsum per epoch, on two y axes.</summary>
public static class TrainingCurves
{
    public const string FileName = "training_curves.png";

    public static void Save(string path, IReadOnlyList<EpochResult> epochs, string title)
    {
        var plot = new Plot();
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        var loss = plot.Add.Scatter(x, epochs.Select(e => e.MeanLoss).ToArray());
        loss.LegendText = "mean training loss";
        loss.Axes.YAxis = plot.Axes.Left;
        var rsum = plot.Add.Scatter(x, epochs.Select(e => e.Validation.Rsum).ToArray());
        rsum.LegendText = "validation rsum";
        rsum.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Left.Label.Text = "loss (sum over batch)";
        plot.Axes.Right.Label.Text = "rsum (dev)";
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperCenter);
        plot.SavePng(path, 900, 500);
    }
}
