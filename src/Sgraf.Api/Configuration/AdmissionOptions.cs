using System.ComponentModel.DataAnnotations;

namespace Sgraf.Api.Configuration;

/// <summary>
/// Admission by cost (Sgraf:Admission): each search's cost is estimated before it runs, in units of one caption token of
/// one image–caption pair scored by one model (Search/SearchCost.cs), and bounded per request and per lane. Searches up
/// to <see cref="HeavyAbove"/> are light: they are batched as before. Heavier ones take a lane of their own, so that a
/// light search never waits behind them. The defaults were chosen by measurement on the demo gallery (docs/benchmarks.md,
/// "Admission by cost"), where a quiet 2-core machine gets through about a million units a second.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>
    /// Most units one search may cost; a costlier one is a 400 that says how to stay under (fewer or shorter queries,
    /// fewer candidate ids, one model, or mode shortlist). The default, 6,000,000, is 64 ordinary queries (a dozen words)
    /// scored exactly by SGRAF against about 1,800 images, or 64 queries of 1,000 characters against about 220.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxRequestCost { get; set; } = 6_000_000;

    /// <summary>
    /// Most hits one answer may hold: queries × min(k, items each query ranks); more is a 400 (the demo's hits are about
    /// 1 KB of JSON each with their metadata, so the default, 10,000, is about 10 MB).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxResponseHits { get; set; } = 10_000;

    /// <summary>
    /// Searches that cost more than this are heavy: they skip the batcher and run in the heavy lane, at most
    /// <see cref="HeavyConcurrency"/> at once, the others waiting there in arrival order. The default, 100,000, is about
    /// 4 ordinary queries against 500 images, or one query of 1,000 characters against 240.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long HeavyAbove { get; set; } = 100_000;

    /// <summary>Heavy searches that run at once (each spreads over the cores it shares with the light ones).</summary>
    [Range(1, 1024)]
    public int HeavyConcurrency { get; set; } = 1;

    /// <summary>
    /// Cost of the heavy searches running and waiting; one that would go over is refused with 503 and a Retry-After
    /// computed from how fast the lane has been draining. At least <see cref="MaxRequestCost"/>.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxHeavyCost { get; set; } = 12_000_000;

    /// <summary>
    /// Cost of the light searches running and waiting (503 with Retry-After beyond): what a light search may find ahead of
    /// it. At least the cost of one light search (the smaller of <see cref="HeavyAbove"/> and <see cref="MaxRequestCost"/>).
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxLightCost { get; set; } = 2_000_000;
}
