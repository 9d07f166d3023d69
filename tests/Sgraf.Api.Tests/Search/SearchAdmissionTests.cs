using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sgraf.Api.Configuration;
using Sgraf.Api.Observability;
using Sgraf.Api.Search;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Tests.Search;

public sealed class SearchAdmissionTests : IDisposable
{
    readonly ServiceProvider meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    readonly FakeTimeProvider clock = new();

    // Light up to 1,000 units, 2,000 of them in the light lane; heavy up to 10,000 a search, 20,000 in the heavy lane, one at a time.
    static AdmissionOptions Options() => new()
    {
        MaxRequestCost = 10_000, MaxResponseHits = 100, HeavyAbove = 1_000, HeavyConcurrency = 1, MaxHeavyCost = 20_000, MaxLightCost = 2_000,
    };

    SearchAdmission Admission(AdmissionOptions? options = null) =>
        new(options ?? Options(), new AdmissionMetrics(meters.GetRequiredService<IMeterFactory>()), clock);

    /// <summary>A cost of exactly <paramref name="work"/> units: one query, one model, one pair of that many tokens.</summary>
    static SearchCost Costing(long work, long hits = 10) => new(1, 1, 1, work, 0, hits);

    public void Dispose() => meters.Dispose();

    [Fact]
    public void A_search_over_the_cost_bound_is_refused_naming_the_bound_and_how_to_stay_under_it()
    {
        var errors = new ValidationErrors();
        var cost = SearchCost.TextToImage([.. Enumerable.Repeat(string.Join(' ', Enumerable.Repeat("a red circle", 80)), 64)], 500, null, SearchModel.Sgraf, 10);

        Admission(new AdmissionOptions { MaxRequestCost = 8_000_000 }).Check(cost, "images", shortlisting: false, canShortlist: true, errors);

        var message = Assert.Single(errors.ToDictionary()["queries"]);
        Assert.Equal($"would cost about {cost.Work:N0} units (64 queries × 500 images × 2 models × 254 tokens a pair), over Sgraf:Admission:MaxRequestCost "
            + "(8,000,000); send fewer or shorter queries, fewer candidateIds or one model (sgr or saf), or use mode shortlist", message);
    }

    [Fact]
    public void A_shortlist_search_over_the_cost_bound_is_told_to_shortlist_fewer_and_one_without_a_head_is_not_told_to_shortlist()
    {
        var admission = Admission();
        var shortlisting = new ValidationErrors();
        admission.Check(Costing(10_001), "images", shortlisting: true, canShortlist: true, shortlisting);
        var headless = new ValidationErrors();
        admission.Check(Costing(10_001), "images", shortlisting: false, canShortlist: false, headless);

        Assert.EndsWith("or one model (sgr or saf), or a smaller shortlist", Assert.Single(shortlisting.ToDictionary()["queries"]));
        Assert.EndsWith("fewer candidateIds or one model (sgr or saf)", Assert.Single(headless.ToDictionary()["queries"]));
    }

    [Fact]
    public void An_answer_over_the_hits_bound_is_refused_with_the_largest_k_that_fits()
    {
        var errors = new ValidationErrors();
        var cost = SearchCost.TextToImage([.. Enumerable.Repeat("a red circle", 64)], 500, null, SearchModel.Sgraf, 1000);

        Admission(new AdmissionOptions { MaxRequestCost = long.MaxValue, MaxResponseHits = 10_000 }).Check(cost, "images", false, true, errors);

        Assert.Equal(["k"], errors.ToDictionary().Keys);
        Assert.Equal("asks for 32,000 hits (64 queries × 500), over Sgraf:Admission:MaxResponseHits (10,000); ask for a smaller k (at most 156 with 64 queries) "
            + "or send fewer queries", Assert.Single(errors.ToDictionary()["k"]));
    }

    [Fact]
    public void A_search_within_both_bounds_passes()
    {
        var errors = new ValidationErrors();
        Admission().Check(Costing(10_000, hits: 100), "images", false, true, errors);
        Assert.False(errors.Any);
    }

    [Fact]
    public async Task A_cheap_search_is_admitted_at_once_while_heavy_ones_run_and_wait()
    {
        var admission = Admission();
        var stub = new HeldSearches();
        // Three heavy searches: the first runs (held in the stub), the other two wait their turn in the heavy lane.
        var heavy = Enumerable.Range(0, 3).Select(i => stub.RunAsync(admission, Costing(5_000), i)).ToArray();
        await stub.EnteredAsync(1);
        Assert.Equal(15_000, admission.Heavy.Held);

        // A cheap one goes by them: admitted to the light lane and answered while all three are still held.
        var cheap = stub.RunAsync(admission, Costing(100), 99);
        await stub.EnteredAsync(1);
        stub.Release(99);
        Assert.Equal(("light", 99), await cheap);
        Assert.All(heavy, h => Assert.False(h.IsCompleted));
        Assert.Equal([0, 99], stub.Started);

        // The heavy ones run one at a time, in the order they came.
        for (int i = 0; i < 3; i++)
        {
            stub.Release(i);
            Assert.Equal(("heavy", i), await heavy[i]);
            if (i < 2) await stub.EnteredAsync(1);
        }
        Assert.Equal([0, 99, 1, 2], stub.Started);
        Assert.Equal((0, 0), (admission.Heavy.Held, admission.Light.Held));
    }

    [Fact]
    public async Task A_search_over_its_lanes_budget_gets_503_with_a_retry_after_from_the_drain_rate()
    {
        var admission = Admission();
        // Before anything has drained, Retry-After is 1 s.
        var first = await admission.AdmitAsync(Costing(10_000), CancellationToken.None);
        var second = admission.AdmitAsync(Costing(10_000), CancellationToken.None);
        var early = await Assert.ThrowsAsync<SearchBusyException>(() => admission.AdmitAsync(Costing(2_000), CancellationToken.None));
        Assert.Equal(("heavy", TimeSpan.FromSeconds(1)), (early.Lane, early.RetryAfter));
        first.Dispose();
        (await second).Dispose();

        // A lane that did 10,000 units in 4 s of work: 2,500 a second.
        admission = Admission();
        var running = await admission.AdmitAsync(Costing(10_000), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(4));
        running.Dispose();
        Assert.Equal(2_500, admission.Heavy.UnitsPerSecond!.Value, 6);

        // 20,000 held; 7,500 more is 7,500 over the budget: 3 s at 2,500 a second.
        using var a = await admission.AdmitAsync(Costing(10_000), CancellationToken.None);
        var waiting = admission.AdmitAsync(Costing(10_000), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<SearchBusyException>(() => admission.AdmitAsync(Costing(7_500), CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Contains("already cost 20,000 of the 20,000 units", refused.Message);
        // Refused means nothing was taken: the lane holds what it held.
        Assert.Equal(20_000, admission.Heavy.Held);

        // The light lane has a budget of its own: heavy work does not use it up.
        using (await admission.AdmitAsync(Costing(1_000), CancellationToken.None))
        using (await admission.AdmitAsync(Costing(1_000), CancellationToken.None))
            Assert.Equal("light", (await Assert.ThrowsAsync<SearchBusyException>(() => admission.AdmitAsync(Costing(1), CancellationToken.None))).Lane);
        a.Dispose();
        (await waiting).Dispose();
    }

    [Fact]
    public async Task A_search_cancelled_while_waiting_leaves_the_lane_and_its_cost()
    {
        var admission = Admission();
        using var running = await admission.AdmitAsync(Costing(5_000), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = admission.AdmitAsync(Costing(5_000), cancel.Token);
        Assert.Equal(10_000, admission.Heavy.Held);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(5_000, admission.Heavy.Held);
    }

    [Fact]
    public void A_search_is_heavy_above_the_threshold()
    {
        var admission = Admission();
        Assert.Same(admission.Light, admission.LaneOf(Costing(1_000)));
        Assert.Same(admission.Heavy, admission.LaneOf(Costing(1_001)));
    }

    /// <summary>
    /// A search service stand-in, as the endpoints use one: admission first, then the search, which is held until the
    /// test releases it by its number, so that the test decides what is running instead of relying on timing.
    /// </summary>
    sealed class HeldSearches
    {
        readonly Dictionary<int, TaskCompletionSource> gates = [];
        readonly SemaphoreSlim entered = new(0);
        readonly List<int> started = [];

        public IReadOnlyList<int> Started { get { lock (started) return [.. started]; } }

        public async Task<(string Lane, int Search)> RunAsync(SearchAdmission admission, SearchCost cost, int search)
        {
            var gate = Gate(search);
            using var ticket = await admission.AdmitAsync(cost, CancellationToken.None);
            lock (started) started.Add(search);
            entered.Release();
            await gate.Task;
            return (ticket.Lane.Name, search);
        }

        public async Task EnteredAsync(int count)
        {
            for (int i = 0; i < count; i++)
                Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)), "no search started");
        }

        public void Release(int search) => Gate(search).TrySetResult();

        TaskCompletionSource Gate(int search)
        {
            lock (gates)
                return gates.TryGetValue(search, out var gate) ? gate : gates[search] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
