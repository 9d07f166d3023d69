using System.Globalization;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Observability;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Search;

/// <summary>
/// Admits searches by what they cost, not by how many there are (Sgraf:Admission). A search over the per-request bounds
/// is a 400 that names the bound and how to stay under it. The others take one of two lanes: light ones (cost up to
/// HeavyAbove) go on to the batcher as before, within MaxLightCost; heavy ones wait their turn in the heavy lane,
/// HeavyConcurrency at a time, within MaxHeavyCost, and are scored on their own (<see cref="TextSearchJob.Heavy"/>), so
/// a light search is never batched with a heavy one or queued behind it. A search that would take its lane over
/// budget is a 503 with a Retry-After from the lane's drain rate. The search endpoints call this before the search
/// service, so it applies to one node and to a sharded service's front alike.
/// </summary>
public sealed class SearchAdmission
{
    readonly AdmissionOptions options;
    readonly AdmissionMetrics metrics;

    public SearchAdmission(IOptions<SgrafServiceOptions> options, AdmissionMetrics metrics) : this(options.Value.Admission, metrics, TimeProvider.System) { }

    public SearchAdmission(AdmissionOptions options, AdmissionMetrics metrics, TimeProvider time)
    {
        this.options = options;
        this.metrics = metrics;
        Light = new AdmissionLane("light", options.MaxLightCost, concurrency: null, time);
        Heavy = new AdmissionLane("heavy", options.MaxHeavyCost, options.HeavyConcurrency, time);
        foreach (var lane in new[] { Light, Heavy }) metrics.Observe(lane.Name, () => lane.Held, () => lane.UnitsPerSecond);
    }

    public AdmissionLane Light { get; }

    public AdmissionLane Heavy { get; }

    /// <summary>The lane a search of this cost takes.</summary>
    public AdmissionLane LaneOf(SearchCost cost) => cost.Work > options.HeavyAbove ? Heavy : Light;

    /// <summary>Adds what puts the search over a per-request bound to <paramref name="errors"/>, saying how to stay under it.</summary>
    /// <param name="items">What the queries search, plural: images or captions.</param>
    /// <param name="shortlisting">Whether the search runs in shortlist mode.</param>
    /// <param name="canShortlist">Whether the bundle has a shortlist head (so mode shortlist is a way to cost less).</param>
    public void Check(SearchCost cost, string items, bool shortlisting, bool canShortlist, ValidationErrors errors)
    {
        bool tooCostly = false;
        if (cost.Work > options.MaxRequestCost)
        {
            var cheaper = "send fewer or shorter queries, fewer candidateIds or one model (sgr or saf)"
                + (shortlisting ? ", or a smaller shortlist" : canShortlist ? ", or use mode shortlist" : "");
            errors.Add("queries", Invariant($"would cost about {cost.Work:N0} units ({cost.Queries:N0} queries × {cost.PairsPerQuery:N0} {items} × ")
                + Invariant($"{cost.Models} model{(cost.Models == 1 ? "" : "s")} × {cost.TokensPerPair:N0} tokens a pair), over Sgraf:Admission:MaxRequestCost ")
                + Invariant($"({options.MaxRequestCost:N0}); {cheaper}"));
            tooCostly = true;
        }
        if (cost.Hits > options.MaxResponseHits)
        {
            long perQuery = cost.Hits / cost.Queries;
            long k = options.MaxResponseHits / cost.Queries;
            errors.Add("k", Invariant($"asks for {cost.Hits:N0} hits ({cost.Queries:N0} queries × {perQuery:N0}), over Sgraf:Admission:MaxResponseHits ")
                + Invariant($"({options.MaxResponseHits:N0}); ask for a smaller k (at most {k:N0} with {cost.Queries:N0} queries) or send fewer queries"));
            tooCostly = true;
        }
        if (tooCostly) metrics.Rejected(LaneOf(cost).Name, "too_costly");
    }

    /// <summary>Takes the search into its lane; completes when it may run. Dispose the ticket once it is done.</summary>
    /// <exception cref="SearchBusyException">Its lane's budget has no room for it (503 with Retry-After).</exception>
    public async Task<AdmissionLane.Ticket> AdmitAsync(SearchCost cost, CancellationToken cancellationToken)
    {
        var lane = LaneOf(cost);
        AdmissionLane.Ticket ticket;
        try
        {
            ticket = await lane.EnterAsync(cost.Work, cancellationToken);
        }
        catch (SearchBusyException)
        {
            metrics.Rejected(lane.Name, "busy");
            throw;
        }
        metrics.Admitted(lane.Name, cost.Work, ticket.Waited);
        return ticket;
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
