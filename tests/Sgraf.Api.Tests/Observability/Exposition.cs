using System.Globalization;

namespace Sgraf.Api.Tests.Observability;

/// <summary>Reads samples back out of a text exposition, so tests can name a series and get its value.</summary>
internal static class Exposition
{
    /// <summary>The value of the one line that starts with <paramref name="series"/> (name and labels, as written).</summary>
    public static double Sample(string text, string series)
    {
        var prefix = series + " ";
        var lines = text.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        return double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    public static IReadOnlyList<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
