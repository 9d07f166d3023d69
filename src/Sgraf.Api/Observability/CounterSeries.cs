namespace Sgraf.Api.Observability;

/// <summary>One labelled series of a <see cref="Counter"/>. Safe to use from any thread.</summary>
public sealed class CounterSeries
{
    private double _value;

    internal CounterSeries()
    {
    }

    public double Value => Volatile.Read(ref _value);

    /// <summary>Adds <paramref name="amount"/>, which must be zero or more: a counter that went down would read as a restart.</summary>
    public void Inc(double amount = 1)
    {
        if (!(amount >= 0))
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "A counter can only increase.");
        AtomicDouble.Add(ref _value, amount);
    }
}
