using System.Text.Json.Serialization;

namespace Sgraf.LoadTest.Load;

/// <summary>One measurement: <paramref name="Clients"/> clients sending searches back to back for <paramref name="Seconds"/>.</summary>
/// <param name="Requests">Searches answered 200 within the measured window.</param>
/// <param name="Queries">Sentences in those searches.</param>
/// <param name="LatencyMs">Latency of those searches, request sent to answer read; null when there were none.</param>
/// <param name="Rejected">Searches answered 503 (the batch queue was full); not latency samples.</param>
/// <param name="Errors">Any other status, or no answer.</param>
/// <param name="ErrorKinds">Errors by kind ("HTTP 500", an exception, an answer in another mode than asked), with the first answer of each kind.</param>
/// <param name="Mode">The mode asked for: exact, shortlist or auto; null when none was sent (the service's default, and every result written before modes existed).</param>
/// <param name="Shortlist">The shortlist size sent, if any.</param>
/// <param name="Ran">The modes the service said it ran, with how many of the counted searches ran each; null before modes existed.</param>
/// <param name="MeanReranked">Mean over the counted searches' queries of the items their hits were chosen from by the exact score; null where the service did not say.</param>
internal sealed record LoadResult(
    int Clients, double Seconds, long Requests, long Queries, double RequestsPerSecond, double QueriesPerSecond,
    LatencySummary? LatencyMs, long Rejected, long Errors, IReadOnlyList<ErrorKind> ErrorKinds,
    string? Mode = null, int? Shortlist = null, IReadOnlyDictionary<string, long>? Ran = null, double? MeanReranked = null)
{
    /// <summary>The mode asked for as tables name it: <see cref="SearchModes.Default"/> when none was sent.</summary>
    [JsonIgnore]
    public string ModeName => SearchModes.Name(Mode);

    /// <summary>What the service ran: one mode, or each with its count when they differed (auto near its threshold); "–" when nothing counted.</summary>
    [JsonIgnore]
    public string RanName => Ran is null || Ran.Count == 0 ? "–"
        : Ran.Count == 1 ? Ran.Keys.Single()
        : string.Join(" + ", Ran.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}"));
}

internal sealed record ErrorKind(string Kind, long Count, string FirstAnswer);

/// <summary>What <c>sgraf bench-api --json</c> writes: the settings, the fill and every measurement of one run.</summary>
/// <param name="Label">Free text from --label, e.g. "batching on", that tells runs apart in <c>sgraf bench-api-compare</c>.</param>
/// <param name="Sentences">Different sentences the queries were drawn from.</param>
/// <param name="SentencesSent">Sentences sent in all; more than <paramref name="Sentences"/> means some were repeats.</param>
internal sealed record BenchApiReport(
    string? Label, string Url, int Images, int ImgDim, string Model, int K, int QueriesPerRequest, bool DistinctQueries,
    int Sentences, long SentencesSent, double WarmupSeconds, double Seconds, int ProcessorCount, DateTimeOffset StartedAt,
    GalleryFillResult Fill, IReadOnlyList<LoadResult> Runs);
