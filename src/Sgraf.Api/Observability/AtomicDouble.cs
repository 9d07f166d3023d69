namespace Sgraf.Api.Observability;

/// <summary>Lock-free addition to a shared <see cref="double"/>, which <see cref="Interlocked"/> offers only for integers.</summary>
internal static class AtomicDouble
{
    public static void Add(ref double location, double amount)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + amount, current);
            // Compare bits, not values: once the sum is NaN, NaN != NaN would retry forever.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
                return;
            current = seen;
        }
    }
}
