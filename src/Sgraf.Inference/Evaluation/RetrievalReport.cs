using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sgraf.Inference.Evaluation;

/// <summary>
/// The result of evaluating a score matrix: both directions, their rsum and, for a single matrix (not a fold
/// average), the ranks behind them.
/// </summary>
/// <param name="ImageToText">Image queries retrieving captions (official <c>i2t</c>).</param>
/// <param name="TextToImage">Caption queries retrieving images (official <c>t2i</c>).</param>
/// <param name="Rsum">Sum of the six recalls; for a fold average, the mean of the folds' rsums.</param>
/// <param name="Ranks">The per-query ranks; null for a fold average.</param>
public sealed record RetrievalReport(
    [property: JsonPropertyName("i2t")] RecallMetrics ImageToText,
    [property: JsonPropertyName("t2i")] RecallMetrics TextToImage,
    [property: JsonPropertyName("rsum")] double Rsum,
    [property: JsonIgnore] RetrievalRanks? Ranks)
{
    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The official rsum, added in the official order: i2t R@1, R@5, R@10, then t2i R@1, R@5, R@10.</summary>
    public static double RsumOf(RecallMetrics i2t, RecallMetrics t2i)
    {
        ArgumentNullException.ThrowIfNull(i2t);
        ArgumentNullException.ThrowIfNull(t2i);
        return i2t.R1 + i2t.R5 + i2t.R10 + t2i.R1 + t2i.R5 + t2i.R10;
    }

    /// <summary><c>{"i2t":{"r1":…,"r5":…,"r10":…,"medr":…,"meanr":…},"t2i":{…},"rsum":…}</c></summary>
    public string ToJson() => JsonSerializer.Serialize(this, Compact);
}
