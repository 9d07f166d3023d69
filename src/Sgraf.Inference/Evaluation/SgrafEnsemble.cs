namespace Sgraf.Inference.Evaluation;

/// <summary>
/// Spec §9: SGRAF is the element-wise mean of separately trained models' score matrices
/// (the author's <c>np.array([simsA, simsB]).mean(axis=0)</c>).
/// </summary>
public static class SgrafEnsemble
{
    public static ScoreMatrix Average(IReadOnlyList<ScoreMatrix> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("an ensemble needs at least one score matrix", nameof(members));
        if (members.Count == 1) return members[0];
        var (images, captions) = (members[0].Images, members[0].Captions);
        if (members.Any(m => m.Images != images || m.Captions != captions))
            throw new ArgumentException(
                $"score matrices of different shapes: {string.Join(", ", members.Select(m => $"{m.Images}×{m.Captions}"))}", nameof(members));
        var mean = new double[members[0].Values.Length];
        for (int k = 0; k < mean.Length; k++)
        {
            // numpy's mean over axis 0: the float64 sum, then one division.
            double sum = 0;
            foreach (var member in members) sum += member.Values[k];
            mean[k] = sum / members.Count;
        }
        return new ScoreMatrix(images, captions, mean);
    }
}
