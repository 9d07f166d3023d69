namespace Sgraf.Training.LoadTesting;

/// <summary>One measurement: <paramref name="Clients"/> clients sending searches back to back for <paramref name="Seconds"/>.</summary>
/// <param name="Requests">Searches answered 200 within the measured window.</param>
/// <param name="Queries">Sentences in those searches.</param>
/// <param name="LatencyMs">Latency of those searches, request sent to answer read; null when there were none.</param>
/// <param name="Rejected">Searches answered 503 (the batch queue was full); not latency samples.</param>
/// <param name="Errors">Any other status, or no answer.</param>
/// <param name="ErrorKinds">Errors by kind ("HTTP 500", an exception), with the first answer of each kind.</param>
internal sealed record LoadResult(
    int Clients, double Seconds, long Requests, long Queries, double RequestsPerSecond, double QueriesPerSecond,
    LatencySummary? LatencyMs, long Rejected, long Errors, IReadOnlyList<ErrorKind> ErrorKinds);

internal sealed record ErrorKind(string Kind, long Count, string FirstAnswer);

/// <summary>What <c>sgraf bench-api --json</c> writes: the settings, the fill and every measurement of one run.</summary>
/// <param name="Label">Free text from --label, e.g. "batching on", that tells runs apart in <c>sgraf bench-api-compare</c>.</param>
/// <param name="Sentences">Different sentences the queries were drawn from.</param>
/// <param name="SentencesSent">Sentences sent in all; more than <paramref name="Sentences"/> means some were repeats.</param>
internal sealed record BenchApiReport(
    string? Label, string Url, int Images, int ImgDim, string Model, int K, int QueriesPerRequest, bool DistinctQueries,
    int Sentences, long SentencesSent, double WarmupSeconds, double Seconds, int ProcessorCount, DateTimeOffset StartedAt,
    GalleryFillResult Fill, IReadOnlyList<LoadResult> Runs);
