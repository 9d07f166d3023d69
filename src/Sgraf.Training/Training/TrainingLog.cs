using System.Globalization;
using Sgraf.Inference;
using Sgraf.Inference.Evaluation;

namespace Sgraf.Training.Training;

/// <summary>
/// The per-epoch CSV of a run (<c>training_log.csv</c>): epoch, mean loss, learning rate, the six validation
/// recalls, rsum and seconds. Rewritten whole after every epoch, so it is complete whenever a run stops.
/// </summary>
public static class TrainingLog
{
    public const string FileName = "training_log.csv";
    const string Header = "epoch,loss,lr,i2t_r1,i2t_r5,i2t_r10,t2i_r1,t2i_r5,t2i_r10,rsum,seconds";

    public static void Write(string path, IEnumerable<EpochResult> epochs)
    {
        var lines = new List<string> { Header };
        foreach (var e in epochs)
        {
            var (i2t, t2i) = (e.Validation.ImageToText, e.Validation.TextToImage);
            double[] values = [e.MeanLoss, e.LearningRate, i2t.R1, i2t.R5, i2t.R10, t2i.R1, t2i.R5, t2i.R10, e.Validation.Rsum, e.Seconds];
            lines.Add(string.Join(",", [e.Epoch.ToString(CultureInfo.InvariantCulture), .. values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]));
        }
        File.WriteAllLines(path, lines);
    }

    /// <summary>The epochs of an existing log, so a resumed run keeps the rows of the epochs before it.</summary>
    /// <exception cref="InvalidInputException">The file is not a training log.</exception>
    public static List<EpochResult> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header) throw InvalidInputException.InFile(path, "not a training log (unexpected header)");
        var result = new List<EpochResult>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(',');
            if (f.Length != 11) throw InvalidInputException.InFile(path, $"a row has {f.Length} fields instead of 11: {line}");
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            // Medr and meanr are not logged; rows read back carry NaN there.
            var i2t = new RecallMetrics(D(3), D(4), D(5), double.NaN, double.NaN);
            var t2i = new RecallMetrics(D(6), D(7), D(8), double.NaN, double.NaN);
            result.Add(new EpochResult(int.Parse(f[0], CultureInfo.InvariantCulture), D(1), D(2), new RetrievalReport(i2t, t2i, D(9), null), D(10)));
        }
        return result;
    }
}
