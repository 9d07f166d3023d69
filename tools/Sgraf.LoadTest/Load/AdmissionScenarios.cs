using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Sgraf.LoadTest.Load;

/// <summary>One search as sent and answered: its status, latency, answer size and Retry-After (with 503).</summary>
internal sealed record Answered(int Status, double Milliseconds, long Bytes, double? RetryAfterSeconds, string Detail);

/// <summary>The crowd's tally: every answer's status, the 200s' latencies, and the latencies of the ordinary queries sent beside it.</summary>
internal sealed record CrowdResult(int Clients, int QueriesPerRequest, double Seconds, IReadOnlyList<Answered> Answers, IReadOnlyList<Answered> Ordinary);

/// <summary>
/// The scenarios of issue 17's finding 5 ("load shedding counts requests, not work"), sent to a running service with the
/// demo gallery: one request of 64 long queries (1,000 characters each) in exact mode; an ordinary query sent while three
/// of those run; a crowd of clients each sending 64 ordinary queries per request back to back (with one client beside
/// them sending single ordinary queries); and the answer size of 64 queries × k 1000.
/// </summary>
internal sealed class AdmissionScenarios(BenchServiceClient client, int seed)
{
    /// <summary>Longest a crowd client waits after a 503, whatever Retry-After says.</summary>
    static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    readonly QueryStream ordinary = new(BenchQueries.Distinct(seed));

    /// <summary>
    /// <paramref name="count"/> distinct texts of exactly <paramref name="length"/> characters: sentences of the shapes
    /// grammar joined by spaces (every word in the demo vocabulary), cut at the length.
    /// </summary>
    public static string[] LongQueries(int count, int length, int seed)
    {
        var sentences = BenchQueries.Distinct(seed);
        var queries = new string[count];
        int next = 0;
        for (int q = 0; q < count; q++)
        {
            var text = new System.Text.StringBuilder();
            while (text.Length < length) text.Append(sentences[next++ % sentences.Length]).Append(' ');
            queries[q] = text.ToString(0, length);
        }
        return queries;
    }

    /// <summary>
    /// <paramref name="count"/> distinct texts of exactly <paramref name="words"/> words of the shapes grammar (so
    /// <paramref name="words"/> + 2 tokens each, with &lt;start&gt; and &lt;end&gt;).
    /// </summary>
    public static string[] QueriesOfWords(int count, int words, int seed)
    {
        var all = BenchQueries.Distinct(seed).SelectMany(s => s.Split(' ')).ToArray();
        return [.. Enumerable.Range(0, count).Select(q => string.Join(' ', Enumerable.Range(q * words, words).Select(w => all[w % all.Length])))];
    }

    /// <summary>One text-to-image search of <paramref name="queries"/>, timed to the end of its answer.</summary>
    public async Task<Answered> SearchAsync(IReadOnlyList<string> queries, int k, string? mode, CancellationToken cancel)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new TextToImageRequest(queries, k, "sgraf", mode, null), BenchServiceClient.Json);
        long started = Stopwatch.GetTimestamp();
        var reply = await client.SearchAsync("search/text-to-image", body, cancel);
        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        double? retryAfter = reply.RetryAfter?.Delta?.TotalSeconds
            ?? (reply.RetryAfter?.Date is { } date ? Math.Max(0, (date - DateTimeOffset.UtcNow).TotalSeconds) : null);
        return new Answered((int)reply.Status, ms, reply.Body.Length, retryAfter,
            reply.Status == HttpStatusCode.OK ? "" : BenchServiceClient.Describe(reply.Body));
    }

    /// <summary>Ordinary queries (one sentence of the shapes grammar each, none sent before in this run).</summary>
    public string[] Ordinary(int count) => ordinary.Next(count);

    /// <summary>
    /// <paramref name="heavy"/> searches of long queries sent at once, then, <paramref name="delay"/> later (when they are
    /// in the service), one ordinary query: its answer, and theirs.
    /// </summary>
    public async Task<(Answered Ordinary, Answered[] Heavy)> BesideAsync(int heavy, string[][] longQueries, TimeSpan delay, CancellationToken cancel)
    {
        var running = Enumerable.Range(0, heavy).Select(h => SearchAsync(longQueries[h], 10, "exact", cancel)).ToArray();
        await Task.Delay(delay, cancel);
        var answer = await SearchAsync(Ordinary(1), 10, null, cancel);
        return (answer, await Task.WhenAll(running));
    }

    /// <summary>
    /// <paramref name="clients"/> clients sending <paramref name="queriesPerRequest"/> ordinary queries per request back
    /// to back for <paramref name="duration"/>, each waiting what Retry-After says (at most 30 s) after a 503; searches
    /// still running at the end are waited for and counted. One more client sends single ordinary queries meanwhile.
    /// </summary>
    public async Task<CrowdResult> CrowdAsync(int clients, int queriesPerRequest, TimeSpan duration, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        async Task<List<Answered>> Loop(int queries)
        {
            var answers = new List<Answered>();
            while (clock.Elapsed < duration)
            {
                var answer = await SearchAsync(Ordinary(queries), 10, null, cancel);
                answers.Add(answer);
                if (answer.Status == 503)
                {
                    var wait = TimeSpan.FromSeconds(Math.Min(answer.RetryAfterSeconds ?? 1, MaxBackoff.TotalSeconds));
                    var left = duration - clock.Elapsed;
                    if (left > TimeSpan.Zero) await Task.Delay(wait < left ? wait : left, cancel);
                }
            }
            return answers;
        }
        var crowd = Enumerable.Range(0, clients).Select(_ => Task.Run(() => Loop(queriesPerRequest), cancel)).ToArray();
        var beside = Task.Run(() => Loop(1), cancel);
        var answers = (await Task.WhenAll(crowd)).SelectMany(a => a).ToArray();
        return new CrowdResult(clients, queriesPerRequest, clock.Elapsed.TotalSeconds, answers, await beside);
    }
}
