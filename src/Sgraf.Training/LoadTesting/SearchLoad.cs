using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sgraf.Inference;
using Spectre.Console;

namespace Sgraf.Training.LoadTesting;

/// <summary>The searches every client sends: <paramref name="QueriesPerRequest"/> sentences, top <paramref name="K"/>.</summary>
internal sealed record SearchSettings(int K, string Model, int QueriesPerRequest);

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

    /// <summary>One search, checked: 200, one result per query, min(k, gallery size) hits each (at least one image). Returns the first hit's id.</summary>
    public static string Probe(BenchServiceClient client, QueryStream queries, SearchSettings search, int galleryImages, CancellationToken cancel)
    {
        var sent = queries.Next(search.QueriesPerRequest);
        var reply = client.SearchAsync(sent, search.K, search.Model, cancel).GetAwaiter().GetResult();
        var what = $"POST {client.Address}search/text-to-image";
        if (reply.Status != HttpStatusCode.OK)
            throw new InvalidInputException($"{what}: {(int)reply.Status} {reply.Status} {Shorten(reply.Body)}".TrimEnd());
        var results = BenchServiceClient.Field(JsonNode.Parse(reply.Body), "results").AsArray();
        var hits = results.Select(result => BenchServiceClient.Field(result, "hits").AsArray()).ToArray();
        int expectedHits = Math.Min(search.K, galleryImages);
        if (results.Count != sent.Length || hits.Any(h => h.Count != expectedHits))
            throw new InvalidInputException($"{what}: expected {sent.Length} result(s) of {expectedHits} hits, got {Shorten(reply.Body)}");
        return BenchServiceClient.Field(hits[0][0], "id").GetValue<string>();
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

        var tallies = loops.Result;
        var latencies = tallies.SelectMany(t => t.Latencies).ToArray();
        var errorKinds = tallies.SelectMany(t => t.Errors)
            .GroupBy(e => e.Key)
            .Select(g => new ErrorKind(g.Key, g.Sum(e => e.Value.Count), g.First().Value.FirstAnswer))
            .OrderByDescending(e => e.Count)
            .ToArray();
        double seconds = measured.TotalSeconds;
        long requests = latencies.Length;
        return new LoadResult(clients, seconds, requests, requests * search.QueriesPerRequest, requests / seconds,
            requests * search.QueriesPerRequest / seconds, LatencySummary.Of(latencies), tallies.Sum(t => t.Rejected),
            errorKinds.Sum(e => e.Count), errorKinds);
    }

    /// <summary>The run's clock; completions between <paramref name="Start"/> and <paramref name="End"/> count.</summary>
    sealed record Window(Stopwatch Clock, TimeSpan Start, TimeSpan End)
    {
        public bool Counts(TimeSpan completedAt) => completedAt >= Start && completedAt <= End;
    }

    sealed class ClientTally
    {
        public List<double> Latencies { get; } = [];
        public long Rejected { get; set; }
        public Dictionary<string, (long Count, string FirstAnswer)> Errors { get; } = [];

        public void AddError(string kind, string answer) =>
            Errors[kind] = Errors.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.FirstAnswer) : (1, answer);
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
                reply = await client.SearchAsync(sent, search.K, search.Model, cancel);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                failure = $"{e.GetType().Name}: {e.Message}";
            }
            var latency = Stopwatch.GetElapsedTime(started);
            bool counts = window.Counts(window.Clock.Elapsed);

            if (reply?.Status == HttpStatusCode.OK)
            {
                if (counts) tally.Latencies.Add(latency.TotalMilliseconds);
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
                    if (reply is not null) tally.AddError($"HTTP {(int)reply.Status} {reply.Status}", Shorten(reply.Body));
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
