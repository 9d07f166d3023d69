namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// A Redis stream entry id, "milliseconds-sequence". Ordered as Redis orders entries, so a replica can tell
/// whether it has already applied an append it is waiting for.
/// </summary>
internal readonly record struct StreamEntryId(ulong Milliseconds, ulong Sequence) : IComparable<StreamEntryId>
{
    /// <summary>Before every real entry: where a replica that has applied nothing starts reading.</summary>
    public static readonly StreamEntryId Zero = new(0, 0);

    public static StreamEntryId Parse(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        int dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0
            || !ulong.TryParse(id.AsSpan(0, dash), out ulong milliseconds)
            || !ulong.TryParse(id.AsSpan(dash + 1), out ulong sequence))
        {
            throw new FormatException($"'{id}' is not a Redis stream entry id.");
        }
        return new StreamEntryId(milliseconds, sequence);
    }

    public int CompareTo(StreamEntryId other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) < 0;
    public static bool operator >(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) > 0;
    public static bool operator <=(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) <= 0;
    public static bool operator >=(StreamEntryId left, StreamEntryId right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Milliseconds}-{Sequence}";
}
