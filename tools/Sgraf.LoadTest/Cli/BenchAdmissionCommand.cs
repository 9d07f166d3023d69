using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// <c>sgraf-load bench-admission</c>: issue 17's measurements of admission, against a running service that holds the
/// demo gallery: (1) one request of 64 queries of 1,000 characters, exact; (2) an ordinary query sent while three of
/// those run; (3) 64 clients × 64 ordinary queries per request for a while, with one ordinary client beside them:
/// median and max latency, 503s; (4) the answer size of 64 ordinary queries × k 1000; and, asked for by name, (5) what
/// a pair costs by its caption's length: exact searches of queries of 8 to 160 words, the time per query–image pair.
/// Each prints its figures as a Markdown table row; the requests it sends are only searches, so the gallery is left as it was.
/// </summary>
internal static class BenchAdmissionCommand
{
    static readonly string[] AllScenarios = ["lone", "beside", "crowd", "size", "tokens"];

    /// <summary>The scenarios run when none are named: the issue's.</summary>
    const string IssueScenarios = "lone,beside,crowd,size";

    sealed record Request(Uri Url, string? ApiKey, bool AllowRemote, string[] Scenarios, int Queries, int Length, int CrowdClients,
        int CrowdSeconds, int Seed, string? Label, string? JsonPath);

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The service", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var apiKey = new Option<string?>("--api-key") { Description = "X-Api-Key, where the service asks one for searches" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --url that is not this machine" };
        var scenarios = new Option<string>("--scenarios")
        {
            Description = $"Which to run, a comma-separated list of {string.Join(", ", AllScenarios)}", DefaultValueFactory = _ => IssueScenarios,
        };
        var queries = Value("--queries", 64, "queries per request of the lone, beside, crowd and size scenarios");
        var length = Value("--length", 1000, "characters of each long query (lone, beside)");
        var crowdClients = Value("--crowd-clients", 64, "clients of the crowd scenario");
        var crowdSeconds = Value("--crowd-seconds", 60, "seconds the crowd's clients keep sending (searches running then are waited for)");
        var seed = Value("--seed", 1, "seed of the sentences' order");
        var label = new Option<string?>("--label") { Description = "Name of this run in the output, e.g. the build measured" };
        var json = new Option<string?>("--json") { Description = "Write every answer's status, latency and size here" };
        var command = new Command("bench-admission", "Issue 17's admission measurements: a lone costly search, an ordinary one beside three, a crowd, an answer's size")
        {
            url, apiKey, allowRemote, scenarios, queries, length, crowdClients, crowdSeconds, seed, label, json,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(BenchApiCommand.ParseUrl(parse.GetValue(url)!), parse.GetValue(apiKey),
            parse.GetValue(allowRemote), ParseScenarios(parse.GetValue(scenarios)!), parse.GetValue(queries), parse.GetValue(length),
            parse.GetValue(crowdClients), parse.GetValue(crowdSeconds), parse.GetValue(seed), parse.GetValue(label), parse.GetValue(json)))));
        return command;
    }

    static Option<int> Value(string name, int defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    static int Run(Request request)
    {
        if (!request.Url.IsLoopback && !request.AllowRemote)
            throw new InvalidInputException($"--url {request.Url} is not this machine; a load test of another machine needs --allow-remote");
        foreach (var (name, value, max) in new[] { ("--queries", request.Queries, 10_000), ("--length", request.Length, 1_000_000),
                     ("--crowd-clients", request.CrowdClients, 1024), ("--crowd-seconds", request.CrowdSeconds, 3600) })
            if (value < 1 || value > max) throw new InvalidInputException($"{name} must be 1–{max}, got {value}");

        using var client = new BenchServiceClient(request.Url, request.ApiKey, maxConnections: request.CrowdClients + 8);
        var scenarios = new AdmissionScenarios(client, request.Seed);
        var cancel = CancellationToken.None;   // Ctrl+C ends the process; searches change nothing
        var label = request.Label ?? request.Url.Authority;
        var longQueries = Enumerable.Range(0, 3).Select(h => AdmissionScenarios.LongQueries(request.Queries, request.Length, request.Seed + h)).ToArray();
        var record = new Dictionary<string, object>();
        return ServiceCall.Run(request.Url, () =>
        {
            if (!client.IsReadyAsync(cancel).GetAwaiter().GetResult())
                throw new InvalidInputException($"{request.Url}: GET health/ready does not answer 200; is the service up?");
            Console.WriteLine($"| build | scenario | figure |");
            Console.WriteLine($"| --- | --- | --- |");
            void Row(string scenario, string figure) => Console.WriteLine($"| {label} | {scenario} | {figure} |");
            string what = string.Create(CultureInfo.InvariantCulture, $"{request.Queries} × {request.Length}-char queries, exact");
            if (request.Scenarios.Contains("lone"))
            {
                var lone = scenarios.SearchAsync(longQueries[0], 10, "exact", cancel).GetAwaiter().GetResult();
                Row($"lone: one request of {what}", Describe(lone));
                record["lone"] = lone;
            }
            if (request.Scenarios.Contains("beside"))
            {
                var (ordinary, heavy) = scenarios.BesideAsync(3, longQueries, TimeSpan.FromMilliseconds(500), cancel).GetAwaiter().GetResult();
                Row($"beside: one ordinary query sent 0.5 s after three requests of {what}", Describe(ordinary));
                Row("beside: the three", string.Join("; ", heavy.Select(Describe)));
                record["beside"] = new { ordinary, heavy };
            }
            if (request.Scenarios.Contains("crowd"))
            {
                var crowd = scenarios.CrowdAsync(request.CrowdClients, request.Queries, TimeSpan.FromSeconds(request.CrowdSeconds), cancel).GetAwaiter().GetResult();
                Row(string.Create(CultureInfo.InvariantCulture,
                    $"crowd: {crowd.Clients} clients × {crowd.QueriesPerRequest} ordinary queries per request, {request.CrowdSeconds} s (ran {crowd.Seconds:0} s)"),
                    Tally(crowd.Answers));
                Row("crowd: single ordinary queries sent beside it, back to back", Tally(crowd.Ordinary));
                record["crowd"] = crowd;
            }
            if (request.Scenarios.Contains("size"))
            {
                var size = scenarios.SearchAsync(scenarios.Ordinary(request.Queries), 1000, null, cancel).GetAwaiter().GetResult();
                Row($"size: {request.Queries} ordinary queries × k 1000", Describe(size));
                record["size"] = size;
            }
            if (request.Scenarios.Contains("tokens"))
            {
                int images = client.CountImagesAsync(cancel).GetAwaiter().GetResult();
                foreach (int words in new[] { 8, 40, 100, 160 })
                {
                    int count = words < 100 ? 16 : 8;
                    // The first is a warm-up (sessions, caches); the median of the other three counts.
                    var times = Enumerable.Range(0, 4).Select(round => scenarios.SearchAsync(
                        AdmissionScenarios.QueriesOfWords(count, words, request.Seed + round), 10, "exact", cancel).GetAwaiter().GetResult()).ToArray();
                    if (times.FirstOrDefault(t => t.Status != 200) is { } failed) throw new InvalidInputException($"an exact search of {words}-word queries: {Describe(failed)}");
                    double perPair = times.Skip(1).Select(t => t.Milliseconds * 1000 / (count * images)).Order().ElementAt(1);
                    Row(string.Create(CultureInfo.InvariantCulture, $"tokens: {count} exact queries of {words} words ({words + 2} tokens) × {images} images, sgraf"),
                        string.Create(CultureInfo.InvariantCulture, $"{perPair:0} µs a pair, {perPair / (words + 2):0.0} µs a pair-token"));
                    record[$"tokens-{words}"] = times;
                }
            }
            if (request.JsonPath is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(new { label, url = request.Url.AbsoluteUri, processors = Environment.ProcessorCount, record },
                    new JsonSerializerOptions(BenchServiceClient.Json) { WriteIndented = true }));
            return CommandRunner.Success;
        });
    }

    static string[] ParseScenarios(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).ToArray();
        if (names.Length == 0) throw new InvalidInputException($"--scenarios: give at least one of {string.Join(", ", AllScenarios)}");
        foreach (var name in names)
            if (!AllScenarios.Contains(name)) throw new InvalidInputException($"--scenarios: each is one of {string.Join(", ", AllScenarios)}, got '{name}'");
        return names;
    }

    /// <summary>"200 in 21.6 s, 12.3 KB", or the refusal: "503 in 3 ms (Retry-After 4 s): …".</summary>
    internal static string Describe(Answered answer) =>
        string.Create(CultureInfo.InvariantCulture, $"{answer.Status} in {Seconds(answer.Milliseconds)}, {Size(answer.Bytes)}")
        + (answer.RetryAfterSeconds is { } retry ? string.Create(CultureInfo.InvariantCulture, $" (Retry-After {retry:0} s)") : "")
        + (answer.Detail.Length > 0 ? $": {answer.Detail}" : "");

    /// <summary>How many of each status, and the 200s' median and max latency.</summary>
    internal static string Tally(IReadOnlyList<Answered> answers)
    {
        var statuses = string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}"));
        var ok = answers.Where(a => a.Status == 200).Select(a => a.Milliseconds).ToArray();
        var latency = LatencySummary.Of(ok) is { } summary ? $"; 200s: median {Seconds(summary.P50)}, max {Seconds(summary.Max)}" : "";
        var retry = answers.Where(a => a.RetryAfterSeconds is not null).Select(a => a.RetryAfterSeconds!.Value).ToArray();
        var retries = retry.Length > 0 ? string.Create(CultureInfo.InvariantCulture, $"; Retry-After {retry.Min():0}–{retry.Max():0} s") : "";
        return statuses + latency + retries;
    }

    static string Seconds(double ms) =>
        ms >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.0} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");

    static string Size(long bytes) =>
        bytes >= 1 << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB");
}
