namespace Sgraf.Api.Search;

/// <summary>
/// How fast an admission lane gets through its work: units of cost finished per second of the time it held any, both
/// decayed with a time constant of a minute so that the recent past counts most. What a refusal's Retry-After is
/// computed from. Thread-safe.
/// </summary>
/// <remarks>
/// Per second the lane was busy rather than per second of the clock, so that an idle hour does not make a busy lane
/// look slow; and per lane rather than per search, because batched searches share their time.
/// </remarks>
public sealed class DrainRate(TimeProvider time)
{
    static readonly TimeSpan Memory = TimeSpan.FromMinutes(1);

    readonly object gate = new();
    long last = time.GetTimestamp();
    int holding;
    double units, busySeconds;

    /// <summary>A search entered the lane (waiting or running).</summary>
    public void Entered()
    {
        lock (gate)
        {
            Advance();
            holding++;
        }
    }

    /// <summary>A search left the lane; <paramref name="done"/> units of its cost were done (0 when it never ran).</summary>
    public void Left(long done)
    {
        lock (gate)
        {
            Advance();
            holding--;
            units += done;
        }
    }

    /// <summary>Units per busy second, or null before anything was done.</summary>
    public double? UnitsPerSecond
    {
        get
        {
            lock (gate)
            {
                Advance();
                return units > 0 && busySeconds > 0 ? units / busySeconds : null;
            }
        }
    }

    void Advance()
    {
        long now = time.GetTimestamp();
        double seconds = time.GetElapsedTime(last, now).TotalSeconds;
        last = now;
        double keep = Math.Exp(-seconds / Memory.TotalSeconds);
        units *= keep;
        busySeconds = busySeconds * keep + (holding > 0 ? seconds : 0);
    }
}
