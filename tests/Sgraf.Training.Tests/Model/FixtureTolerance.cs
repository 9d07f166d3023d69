namespace Sgraf.Training.Tests.Model;

/// <summary>How close "equal" is: MANIFEST.json's smallest rank-deciding gap is 1.6e-5, so 5e-6 keeps every rank.</summary>
internal static class FixtureTolerance
{
    public const double Absolute = 5e-6;

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(error) || error > worst) { worst = double.IsNaN(error) ? double.PositiveInfinity : error; at = i; }
        }
        Assert.True(worst <= Absolute, $"{what}: max |error| {worst:E3} at flat index {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)})");
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, double.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= Absolute, $"{what}: max |error| {worst:E3}");
    }
}
