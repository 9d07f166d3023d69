namespace Sgraf.Api.Observability;

/// <summary>One labelled series of a <see cref="Gauge"/>. Safe to use from any thread.</summary>
public sealed class GaugeSeries
{
    private double _value;

    internal GaugeSeries()
    {
    }

    public double Value => Volatile.Read(ref _value);

    public void Set(double value) => Interlocked.Exchange(ref _value, value);

    public void Inc(double amount = 1) => AtomicDouble.Add(ref _value, amount);

    public void Dec(double amount = 1) => AtomicDouble.Add(ref _value, -amount);
}
