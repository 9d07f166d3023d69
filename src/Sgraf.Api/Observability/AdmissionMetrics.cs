using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// Admission by cost, labelled by lane (light, heavy): <c>sgraf_search_cost_units</c> (each admitted search's estimated
/// cost), <c>sgraf_admission_wait_seconds</c> (its wait for a turn to run), <c>sgraf_admission_rejected_total</c>
/// (by reason: <c>too_costly</c>, a 400 over the per-request bounds; <c>busy</c>, a 503 over the lane's budget), and,
/// read at each scrape, <c>sgraf_admission_held_units</c> (the cost in the lane, running and waiting) and
/// <c>sgraf_admission_drain_units_per_second</c> (what Retry-After is computed from).
/// </summary>
public sealed class AdmissionMetrics
{
    readonly Histogram<double> cost;
    readonly Histogram<double> waitSeconds;
    readonly Counter<long> rejected;
    readonly List<(string Lane, Func<long> Held, Func<double?> Drain)> lanes = [];

    public AdmissionMetrics(IMeterFactory meterFactory)
    {
        var meter = SgrafMeter.Create(meterFactory);
        cost = meter.CreateHistogram("search_cost_units", "{unit}", "Estimated cost of each admitted search (caption tokens × pairs × models), by lane.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Cost });
        waitSeconds = meter.CreateHistogram("admission_wait_seconds", "s", "Time an admitted search waited in its lane for a turn to run, by lane.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Latency });
        rejected = meter.CreateCounter<long>("admission_rejected_total", "{search}",
            "Searches refused by admission, by lane and reason (too_costly: 400 over a per-request bound; busy: 503 over the lane's budget).");
        meter.CreateObservableGauge("admission_held_units", () => Read(l => (double)l.Held()), "{unit}",
            "Estimated cost of the searches in each admission lane, running and waiting.");
        meter.CreateObservableGauge("admission_drain_units_per_second", () => Read(l => l.Drain()), "{unit}/s",
            "Units of cost each admission lane gets through per second while busy (decayed over about a minute).");
    }

    /// <summary>Publishes a lane's held cost and drain rate, read at each scrape.</summary>
    public void Observe(string lane, Func<long> held, Func<double?> drain)
    {
        lock (lanes)
        {
            lanes.Add((lane, held, drain));
            foreach (var reason in new[] { "too_costly", "busy" }) rejected.Add(0, Tag(lane), new("reason", reason));
        }
    }

    public void Admitted(string lane, long units, TimeSpan waited)
    {
        cost.Record(units, Tag(lane));
        waitSeconds.Record(waited.TotalSeconds, Tag(lane));
    }

    /// <param name="reason"><c>too_costly</c> or <c>busy</c>.</param>
    public void Rejected(string lane, string reason) => rejected.Add(1, Tag(lane), new("reason", reason));

    IEnumerable<Measurement<double>> Read(Func<(string Lane, Func<long> Held, Func<double?> Drain), double?> value)
    {
        lock (lanes)
            return [.. lanes.Select(l => (l.Lane, Value: value(l))).Where(l => l.Value is not null).Select(l => new Measurement<double>(l.Value!.Value, Tag(l.Lane)))];
    }

    static KeyValuePair<string, object?> Tag(string lane) => new("lane", lane);
}
