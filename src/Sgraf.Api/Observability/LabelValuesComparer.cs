namespace Sgraf.Api.Observability;

/// <summary>
/// Equality and order of a series' label values, compared ordinally element by element. Also accepts a span,
/// so a series that already exists is found without allocating an array for the lookup.
/// </summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>, IAlternateEqualityComparer<ReadOnlySpan<string>, string[]>, IComparer<string[]>
{
    public static readonly LabelValuesComparer Instance = new();

    private LabelValuesComparer()
    {
    }

    public bool Equals(string[]? x, string[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && Equals(x.AsSpan(), y));

    public int GetHashCode(string[] values) => GetHashCode(values.AsSpan());

    public bool Equals(ReadOnlySpan<string> alternate, string[] other)
    {
        if (alternate.Length != other.Length)
            return false;
        for (var i = 0; i < alternate.Length; i++)
        {
            if (!string.Equals(alternate[i], other[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }

    public int GetHashCode(ReadOnlySpan<string> alternate)
    {
        var hash = new HashCode();
        foreach (var value in alternate)
            hash.Add(value, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public string[] Create(ReadOnlySpan<string> alternate) => alternate.ToArray();

    public int Compare(string[]? x, string[]? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var order = string.CompareOrdinal(x[i], y[i]);
            if (order != 0)
                return order;
        }
        return x.Length.CompareTo(y.Length);
    }
}
