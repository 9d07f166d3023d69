using System.Text.Json.Serialization;

namespace Sgraf.Inference.Evaluation;

/// <summary>One retrieval direction's numbers as the official evaluation prints them (spec §13).</summary>
/// <param name="R1">Percentage of queries whose ground truth is ranked first.</param>
/// <param name="Medr">Median rank, 1-based: <c>floor(median(rank)) + 1</c>.</param>
/// <param name="Meanr">Mean rank, 1-based.</param>
public sealed record RecallMetrics(
    [property: JsonPropertyName("r1")] double R1,
    [property: JsonPropertyName("r5")] double R5,
    [property: JsonPropertyName("r10")] double R10,
    [property: JsonPropertyName("medr")] double Medr,
    [property: JsonPropertyName("meanr")] double Meanr)
{
    /// <summary>The metrics of 0-based ranks, computed in the official order of operations so the doubles match.</summary>
    public static RecallMetrics FromRanks(IReadOnlyList<int> ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Count == 0) throw new ArgumentException("no queries to measure", nameof(ranks));
        double RecallAt(int k) => 100.0 * ranks.Count(rank => rank < k) / ranks.Count;
        var mean = (double)ranks.Sum(rank => (long)rank) / ranks.Count;
        return new RecallMetrics(RecallAt(1), RecallAt(5), RecallAt(10), Math.Floor(Median(ranks)) + 1, mean + 1);
    }

    /// <summary>The mean of each field, as <c>np.array(results).mean(axis=0)</c> averages the folds.</summary>
    public static RecallMetrics Average(IReadOnlyList<RecallMetrics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("nothing to average", nameof(parts));
        double Mean(Func<RecallMetrics, double> field)
        {
            // Added in order, as numpy reduces along axis 0, so the averages match to the last bit.
            var sum = 0.0;
            foreach (var part in parts) sum += field(part);
            return sum / parts.Count;
        }
        return new RecallMetrics(Mean(m => m.R1), Mean(m => m.R5), Mean(m => m.R10), Mean(m => m.Medr), Mean(m => m.Meanr));
    }

    // numpy's median: the middle value, or the mean of the two middle values for an even count.
    static double Median(IReadOnlyList<int> ranks)
    {
        var sorted = ranks.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + (double)sorted[middle]) / 2;
    }
}
