using Sgraf.Training.Training;
using static TorchSharp.torch;

namespace Sgraf.Training.Tests.Training;

/// <summary>The VSE++ loss of spec §10 on a 3×3 matrix small enough to work out by hand.</summary>
public sealed class ContrastiveLossTests
{
    // Rows images, columns captions; diagonal 0.9, 0.8, 0.4. Margin 0.2.
    static readonly double[] Scores =
    [
        0.9, 0.5, 0.1,
        0.65, 0.8, 0.7,
        0.3, 0.75, 0.4,
    ];

    // c_s[i, j] = max(0, 0.2 + S[i, j] − S[i, i]):
    //   row 0: 0.2+0.5−0.9 < 0, 0.2+0.1−0.9 < 0           → 0, 0
    //   row 1: 0.2+0.65−0.8 = 0.05, 0.2+0.7−0.8 = 0.1     → max 0.1 at j = 2
    //   row 2: 0.2+0.3−0.4 = 0.1, 0.2+0.75−0.4 = 0.55      → max 0.55 at j = 1
    // c_im[i, j] = max(0, 0.2 + S[i, j] − S[j, j]):
    //   col 0: 0.2+0.65−0.9 < 0, 0.2+0.3−0.9 < 0           → 0, 0
    //   col 1: 0.2+0.5−0.8 < 0, 0.2+0.75−0.8 = 0.15        → max 0.15 at i = 2
    //   col 2: 0.2+0.1−0.4 < 0, 0.2+0.7−0.4 = 0.5          → max 0.5 at i = 1
    // Hardest negatives: 0.1 + 0.55 + 0.15 + 0.5 = 1.3. All negatives: (0.05+0.1+0.1+0.55) + (0.15+0.5) = 1.45.
    [Theory]
    [InlineData(true, 1.3)]
    [InlineData(false, 1.45)]
    public void Loss_matches_the_hand_computed_value(bool maxViolation, double expected)
    {
        using var scores = tensor(Scores, [3, 3], ScalarType.Float64);
        using var loss = ContrastiveLoss.Compute(scores, 0.2, maxViolation);
        Assert.Equal(expected, loss.item<double>(), 12);
    }

    // Each active hinge term 0.2 + S[a] − S[b] adds +1 to dL/dS[a] and −1 to dL/dS[b].
    // Hardest negatives: c_s[1,2], c_s[2,1], c_im[2,1] (= 0.2+S[2,1]−S[1,1]), c_im[1,2] (= 0.2+S[1,2]−S[2,2]);
    //   S[1,2]: +1 +1, S[2,1]: +1 +1, S[1,1]: −1 −1, S[2,2]: −1 −1; row 0 and column 0 have no violation.
    // All negatives add c_s[1,0] (+1 S[1,0], −1 S[1,1]) and c_s[2,0] (+1 S[2,0], −1 S[2,2]).
    [Theory]
    [InlineData(true, new double[] { 0, 0, 0, 0, -2, 2, 0, 2, -2 })]
    [InlineData(false, new double[] { 0, 0, 0, 1, -3, 2, 1, 2, -3 })]
    public void Gradient_is_the_hinge_subgradient(bool maxViolation, double[] expected)
    {
        using var scores = tensor(Scores, [3, 3], ScalarType.Float64).requires_grad_();
        using var loss = ContrastiveLoss.Compute(scores, 0.2, maxViolation);
        loss.backward();
        var gradient = scores.grad!.data<double>().ToArray();
        for (int k = 0; k < 9; k++) Assert.Equal(expected[k], gradient[k], 12);
    }

    [Fact]
    public void Positive_pairs_never_count_as_negatives()
    {
        // Equal scores everywhere: every off-diagonal hinge is exactly the margin, the diagonal contributes nothing.
        using var scores = full(4, 4, 0.5, ScalarType.Float64);
        using var hardest = ContrastiveLoss.Compute(scores, 0.2, maxViolation: true);
        using var all = ContrastiveLoss.Compute(scores, 0.2, maxViolation: false);
        Assert.Equal(8 * 0.2, hardest.item<double>(), 12);
        Assert.Equal(2 * 12 * 0.2, all.item<double>(), 12);
    }
}
