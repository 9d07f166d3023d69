using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Sgraf.Inference;
using Spectre.Console;

namespace Sgraf.LoadTest.Load;

/// <summary>
/// The searches every client sends: <paramref name="QueriesPerRequest"/> sentences, top <paramref name="K"/>, in
/// <paramref name="Mode"/> (null: none sent, the service's default) with <paramref name="Shortlist"/> candidates (null: none sent).
/// </summary>
internal sealed record SearchSettings(int K, string Model, int QueriesPerRequest, string? Mode = null, int? Shortlist = null)
{
    public TextToImageRequest Request(IReadOnlyList<string> queries) => new(queries, K, Model, Mode, Shortlist);
}

/// <summary>What a probe search found: its first hit, the mode the service ran, and how many images the first query's hits were chosen from.</summary>
internal sealed record ProbeResult(string FirstHit, string? Ran, int Reranked);

/// <summary>
/// The load phase of <c>sgraf bench-api</c>: N clients, each sending text-to-image searches back to back over a shared
/// connection pool. Requests that complete during the warm-up, or after the measured window, are not counted.
/// </summary>
internal static class SearchLoad
{
    /// <summary>Longest a client that got 503 waits, whatever Retry-After says, so that it keeps probing the queue.</summary>
    static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Pause after an error, so that a service that refuses connections is not hammered in a tight loop.</summary>
    static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(10);

    /// <summary>How long after the window in-flight searches may take before they are abandoned.</summary>
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One search, checked: 200, in the mode asked for, one result per query, min(k, images reranked) hits each (at
    /// least one image). Throws <see cref="InvalidInputException"/> saying what was wrong.
    /// </summary>
    public static ProbeResult Probe(BenchServiceClient client, QueryStream queries, SearchSettings search, int galleryImages, CancellationToken cancel)
    {
        var sent = queries.Next(search.QueriesPerRequest);
        var reply = client.SearchAsync(search.Request(sent), cancel).GetAwaiter().GetResult();
        var what = $"POST {client.Address}search/text-to-image, mode {SearchModes.Name(search.Mode)}";
        if (reply.Status != HttpStatusCode.OK)
            throw new InvalidInputException($"{what}: {(int)reply.Status} {reply.Status} {BenchServiceClient.Describe(reply.Body)}".TrimEnd());
        var (answer, problem) = Read(reply.Body, search);
        if (problem is not null) throw new InvalidInputException($"{what}: {problem}: {Shorten(reply.Body)}");
        var results = answer!.Results ?? [];
        int reranked = results.Count > 0 && results[0].Reranked > 0 ? results[0].Reranked : galleryImages;
        int expectedHits = Math.Min(search.K, Math.Min(reranked, galleryImages));
        if (results.Count != sent.Length || results.Any(r => r.Hits?.Count != expectedHits))
            throw new InvalidInputException($"{what}: expected {sent.Length} result(s) of {expectedHits} hits, got {Shorten(reply.Body)}");
        return new ProbeResult(results[0].Hits![0].Id, answer.Mode, reranked);
    }

    /// <summary>A 200 answer, read: the answer, or why it does not count (not the contract's JSON, or another mode than asked).</summary>
    internal static (SearchResponse? Answer, string? Problem) Read(byte[] body, SearchSettings search)
    {
        SearchResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize<SearchResponse>(body, BenchServiceClient.Json);
        }
        catch (JsonException)
        {
            return (null, "unreadable answer (not the search contract's JSON)");
        }
        if (answer?.Results is null) return (null, "unreadable answer (no results)");
        return SearchModes.Mismatch(search.Mode, search.Shortlist, answer) is { } mismatch ? (null, mismatch) : (answer, null);
    }

    public static LoadResult Run(BenchServiceClient client, QueryStream queries, SearchSettings search, int clients,
        TimeSpan warmup, TimeSpan measured, ProgressTask progress)
    {
        var window = new Window(Stopwatch.StartNew(), warmup, warmup + measured);
        using var cancel = new CancellationTokenSource(window.End + Grace);
        var loops = Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientLoop(client, queries, search, window, cancel.Token))));
        progress.MaxValue = window.End.TotalSeconds;
        while (!loops.Wait(TimeSpan.FromMilliseconds(250))) progress.Value = Math.Min(window.Clock.Elapsed.TotalSeconds, progress.MaxValue);
        progress.Value = progress.MaxValue;
        return Summarise(search, clients, measured.TotalSeconds, loops.Result);
    }

    /// <summary>One measurement from what its clients counted.</summary>
    internal static LoadResult Summarise(SearchSettings search, int clients, double seconds, IReadOnlyList<ClientTally> tallies)
    {
        var latencies = tallies.SelectMany(t => t.Latencies).ToArray();
        var errorKinds = tallies.SelectMany(t => t.Errors)
            .GroupBy(e => e.Key)
            .Select(g => new ErrorKind(g.Key, g.Sum(e => e.Value.Count), g.First().Value.FirstAnswer))
            .OrderByDescending(e => e.Count)
            .ToArray();
        var ran = tallies.SelectMany(t => t.Ran)
            .GroupBy(r => r.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Value), StringComparer.Ordinal);
        long rerankedQueries = tallies.Sum(t => t.RerankedQueries);
        double? meanReranked = rerankedQueries > 0 ? (double)tallies.Sum(t => t.RerankedSum) / rerankedQueries : null;
        long requests = latencies.Length;
        return new LoadResult(clients, seconds, requests, requests * search.QueriesPerRequest, requests / seconds,
            requests * search.QueriesPerRequest / seconds, LatencySummary.Of(latencies), tallies.Sum(t => t.Rejected),
            errorKinds.Sum(e => e.Count), errorKinds, search.Mode, search.Shortlist, ran, meanReranked);
    }

    /// <summary>The run's clock; completions between <paramref name="Start"/> and <paramref name="End"/> count.</summary>
    sealed record Window(Stopwatch Clock, TimeSpan Start, TimeSpan End)
    {
        public bool Counts(TimeSpan completedAt) => completedAt >= Start && completedAt <= End;
    }

    /// <summary>What one client counted in the measured window.</summary>
    internal sealed class ClientTally
    {
        public List<double> Latencies { get; } = [];
        public long Rejected { get; set; }
        public Dictionary<string, (long Count, string FirstAnswer)> Errors { get; } = [];

        /// <summary>Counted searches by the mode the service said it ran.</summary>
        public Dictionary<string, long> Ran { get; } = [];

        public long RerankedSum { get; private set; }
        public long RerankedQueries { get; private set; }

        public void AddError(string kind, string answer) =>
            Errors[kind] = Errors.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.FirstAnswer) : (1, answer);

        public void AddAnswer(double latencyMs, SearchResponse answer)
        {
            Latencies.Add(latencyMs);
            var ran = answer.Mode ?? "not reported";
            Ran[ran] = Ran.GetValueOrDefault(ran) + 1;
            foreach (var result in answer.Results ?? [])
                if (result.Reranked > 0)
                {
                    RerankedSum += result.Reranked;
                    RerankedQueries++;
                }
        }
    }

    static async Task<ClientTally> ClientLoop(BenchServiceClient client, QueryStream queries, SearchSettings search, Window window,
        CancellationToken cancel)
    {
        var tally = new ClientTally();
        while (window.Clock.Elapsed < window.End)
        {
            var sent = queries.Next(search.QueriesPerRequest);
            long started = Stopwatch.GetTimestamp();
            SearchReply? reply = null;
            string? failure = null;
            try
            {
                reply = await client.SearchAsync(search.Request(sent), cancel);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                failure = $"{e.GetType().Name}: {e.Message}";
            }
            var latency = Stopwatch.GetElapsedTime(started);
            bool counts = window.Counts(window.Clock.Elapsed);

            if (reply?.Status == HttpStatusCode.OK)
            {
                if (counts)
                {
                    var (answer, problem) = Read(reply.Body, search);
                    if (answer is not null) tally.AddAnswer(latency.TotalMilliseconds, answer);
                    else tally.AddError(problem!, Shorten(reply.Body));
                }
            }
            else if (reply?.Status == HttpStatusCode.ServiceUnavailable)
            {
                if (counts) tally.Rejected++;
                await Task.Delay(Backoff(reply), CancellationToken.None);
            }
            else
            {
                if (counts)
                {
                    if (reply is not null) tally.AddError($"HTTP {(int)reply.Status} {reply.Status}", BenchServiceClient.Describe(reply.Body));
                    else tally.AddError(failure!, "");
                }
                await Task.Delay(ErrorPause, CancellationToken.None);
            }
        }
        return tally;
    }

    static TimeSpan Backoff(SearchReply reply)
    {
        var wait = reply.RetryAfter?.Delta
            ?? (reply.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromMilliseconds(100));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxBackoff ? MaxBackoff : wait;
    }

    static string Shorten(byte[] body) => BenchServiceClient.Shorten(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 301)));
}
