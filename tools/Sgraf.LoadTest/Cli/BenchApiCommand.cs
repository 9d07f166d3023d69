using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.LoadTest.Load;
using Spectre.Console;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// <c>sgraf bench-api</c>: a load generator for a running Sgraf service. It fills the gallery with random bench images,
/// then for each client count sends text-to-image searches back to back from that many concurrent clients and reports
/// QPS and latency percentiles, side by side, so that one run compares the client counts on the same machine state.
/// With several search modes (exact, shortlist), each client count measures each mode in turn, so that the modes meet
/// the same machine state too.
/// </summary>
internal static class BenchApiCommand
{
    /// <param name="Modes">Search modes measured at each client count, in this order; null stands for none sent (the service's default).</param>
    /// <param name="KeepGallery">Search the gallery as it is instead of filling it with bench images.</param>
    sealed record Request(Uri Url, string? ApiKey, bool AllowRemote, GalleryFill Fill, bool KeepGallery, bool FillOnly, int[] Clients, int Seconds, int Warmup,
        SearchSettings Search, string?[] Modes, bool DistinctQueries, string? JsonPath, string? Label)
    {
        /// <summary>The searches of one mode: the shortlist size goes only with modes that take one.</summary>
        public SearchSettings SearchIn(string? mode) =>
            Search with { Mode = mode, Shortlist = SearchModes.TakesShortlist(mode) ? Search.Shortlist : null };
    }

    /// <summary>A mode's probe: what it found, or why it failed.</summary>
    sealed record ModeProbe(string Mode, ProbeResult? Result, string? Failure);

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The service", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var apiKey = new Option<string?>("--api-key") { Description = "X-Api-Key for adding and deleting images (and searching, where the service asks for it)" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --url that is not this machine" };
        var images = Value("--images", 1000, "gallery size: the gallery is made to hold exactly bench-000000 … of random features");
        var imgDim = Value("--img-dim", 2048, "features per region, the bundle's img_dim");
        var seed = Value("--seed", 1, "seed of the features and of the query order");
        var reset = new Option<bool>("--reset") { Description = "Delete images that are not bench images and upload every bench image again" };
        var uploadBatch = Value("--upload-batch", 200, "images per POST /images");
        var keepGallery = new Option<bool>("--keep-gallery")
        {
            Description = "Search the gallery as it is, uploading and deleting nothing (one filled by `gallery import`, say); --images must be its size",
        };
        var fillOnly = new Option<bool>("--fill-only")
        {
            Description = "Fill the gallery and stop (so that a restarted service, not the one that took the upload, is measured)",
        };
        var clients = new Option<string>("--clients")
        {
            Description = "Concurrent clients, a comma-separated list: one measurement per count",
            DefaultValueFactory = _ => "1,4,16",
        };
        var seconds = Value("--seconds", 20, "measured seconds per client count");
        var warmup = Value("--warmup", 3, "seconds of load before each measurement, not counted");
        var k = Value("--k", 10, "hits per query");
        var model = new Option<string>("--model") { Description = "sgr, saf or sgraf", DefaultValueFactory = _ => "sgraf" };
        var queriesPerRequest = Value("--queries-per-request", 1, "sentences per search request");
        var modes = new Option<string>("--modes")
        {
            Description = "Search modes to measure, a comma-separated list of exact, shortlist, auto and default (no mode sent, the service's choice); " +
                          "each client count measures each mode in turn",
            DefaultValueFactory = _ => SearchModes.Default,
        };
        var shortlist = new Option<int?>("--shortlist") { Description = "Candidates reranked exactly per query, sent with modes shortlist and auto (default: the service's)" };
        var distinct = new Option<bool>("--distinct-queries")
        {
            Description = $"Send each of the shapes grammar's captions once before any repeats, so the service's query cache rarely helps; " +
                          $"false: cycle through {BenchQueries.FixedCount} of them",
            DefaultValueFactory = _ => true,
        };
        var json = new Option<string?>("--json") { Description = "Write the settings and every measurement here" };
        var label = new Option<string?>("--label") { Description = "Name of this run in the JSON, e.g. \"batching on\" (see bench-api-compare)" };
        var command = new Command("bench-api", "Load test a running service: QPS and p50/p95/p99 latency of text-to-image search")
        {
            url, apiKey, allowRemote, images, imgDim, seed, reset, uploadBatch, keepGallery, fillOnly, clients, seconds, warmup, k, model, queriesPerRequest,
            modes, shortlist, distinct, json, label,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(
            ParseUrl(parse.GetValue(url)!), parse.GetValue(apiKey), parse.GetValue(allowRemote),
            new GalleryFill(parse.GetValue(images), parse.GetValue(imgDim), parse.GetValue(seed), parse.GetValue(reset), parse.GetValue(uploadBatch)),
            parse.GetValue(keepGallery), parse.GetValue(fillOnly), ParseClients(parse.GetValue(clients)!), parse.GetValue(seconds), parse.GetValue(warmup),
            new SearchSettings(parse.GetValue(k), parse.GetValue(model)!, parse.GetValue(queriesPerRequest), Shortlist: parse.GetValue(shortlist)),
            ParseModes(parse.GetValue(modes)!), parse.GetValue(distinct), parse.GetValue(json), parse.GetValue(label)))));
        return command;
    }

    static Option<int> Value(string name, int defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    static int Run(Request request)
    {
        Validate(request);
        var startedAt = DateTimeOffset.UtcNow;
        var sentences = request.DistinctQueries ? BenchQueries.Distinct(request.Fill.Seed) : BenchQueries.Fixed(request.Fill.Seed);
        var queries = new QueryStream(sentences);
        using var client = new BenchServiceClient(request.Url, request.ApiKey, maxConnections: request.Clients.Max() + 4);
        var cancel = CancellationToken.None;   // Ctrl+C ends the process; nothing here needs undoing
        return ServiceCall.Run(request.Url, () =>
        {
            if (!client.IsReadyAsync(cancel).GetAwaiter().GetResult())
                throw new InvalidInputException($"{request.Url}: GET health/ready does not answer 200; is the service up?");
            var fill = request.KeepGallery ? BenchGallery.AsItIs(client, request.Fill, cancel) : BenchGallery.Fill(client, request.Fill, cancel);
            PrintFill(request, fill);
            if (request.FillOnly) return CommandRunner.Success;
            var probes = Probe(client, queries, request, cancel);
            PrintSettings(request, sentences.Length, probes);

            // Interleaved: every mode at one client count before the next count, so a change in the machine's load
            // between the first and the last measurement does not fall on one mode only.
            var runs = (from clients in request.Clients
                        from mode in request.Modes
                        select CommandRunner.WithProgress($"{clients} client(s), {SearchModes.Name(mode)}", progress =>
                            SearchLoad.Run(client, queries, request.SearchIn(mode), clients, TimeSpan.FromSeconds(request.Warmup),
                                TimeSpan.FromSeconds(request.Seconds), progress))).ToArray();

            PrintResults(runs);
            if (queries.HandedOut > queries.Count)
                Console.WriteLine($"(all {queries.Count} sentences were sent, then repeated: {queries.HandedOut} in all; repeats may be cached)");
            if (request.JsonPath is { } path)
            {
                var report = new BenchApiReport(request.Label, request.Url.AbsoluteUri, request.Fill.Images, request.Fill.ImgDim,
                    request.Search.Model, request.Search.K, request.Search.QueriesPerRequest, request.DistinctQueries, queries.Count,
                    queries.HandedOut, request.Warmup, request.Seconds, Environment.ProcessorCount, startedAt, fill, runs);
                File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions(BenchServiceClient.Json) { WriteIndented = true }));
            }
            return CommandRunner.Success;
        });
    }

    /// <summary>
    /// One checked search per mode before any load. A mode the service refuses (shortlist on a bundle without a head),
    /// or answers in another mode, is still measured, its searches counted as errors, unless no mode works at all.
    /// </summary>
    static List<ModeProbe> Probe(BenchServiceClient client, QueryStream queries, Request request, CancellationToken cancel)
    {
        var probes = new List<ModeProbe>();
        foreach (var mode in request.Modes)
        {
            try
            {
                probes.Add(new ModeProbe(SearchModes.Name(mode), SearchLoad.Probe(client, queries, request.SearchIn(mode), request.Fill.Images, cancel), null));
            }
            catch (InvalidInputException e) when (request.Modes.Length > 1)
            {
                probes.Add(new ModeProbe(SearchModes.Name(mode), null, e.Message));
            }
        }
        if (probes.All(p => p.Failure is not null))
            throw new InvalidInputException("no mode works: " + string.Join("; ", probes.Select(p => p.Failure)));
        return probes;
    }

    static void Validate(Request request)
    {
        if (!request.Url.IsLoopback && !request.AllowRemote)
            throw new InvalidInputException($"--url {request.Url} is not this machine; a load test of another machine needs --allow-remote");
        foreach (var (name, value, min, max) in new[]
                 {
                     ("--images", request.Fill.Images, 1, 1_000_000), ("--img-dim", request.Fill.ImgDim, 1, 65_536),
                     ("--upload-batch", request.Fill.UploadBatch, 1, 100_000), ("--seconds", request.Seconds, 1, 3600),
                     ("--warmup", request.Warmup, 0, 600), ("--k", request.Search.K, 1, 100_000),
                     ("--queries-per-request", request.Search.QueriesPerRequest, 1, 10_000),
                     ("--shortlist", request.Search.Shortlist ?? 1, 1, 1_000_000),
                 })
            if (value < min || value > max) throw new InvalidInputException($"{name} must be {min}–{max}, got {value}");
        if (request.KeepGallery && (request.FillOnly || request.Fill.Reset))
            throw new InvalidInputException("--keep-gallery leaves the gallery as it is; it does not go with --fill-only or --reset");
        if (request.Search.Shortlist is not null && !request.Modes.Any(SearchModes.TakesShortlist))
            throw new InvalidInputException("--shortlist is sent only with modes shortlist and auto; add one of them to --modes");
    }

    internal static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidInputException($"--url must be an http:// or https:// address, got '{text}'");

    /// <summary>"1,4,16": each count 1–1024, so a typo cannot open thousands of connections.</summary>
    internal static int[] ParseClients(string text)
    {
        var counts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 1024
                ? n
                : throw new InvalidInputException($"--clients: each count must be a whole number 1–1024, got '{part}'")).ToArray();
        return counts.Length > 0 ? counts : throw new InvalidInputException("--clients: give at least one count, e.g. 1,4,16");
    }

    /// <summary>"exact,shortlist": each of exact, shortlist, auto or default (null: no mode sent) at most once, in the order given.</summary>
    internal static string?[] ParseModes(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).ToArray();
        if (names.Length == 0) throw new InvalidInputException("--modes: give at least one mode, e.g. exact,shortlist");
        foreach (var name in names)
            if (!SearchModes.All.Contains(name))
                throw new InvalidInputException($"--modes: each mode is one of {string.Join(", ", SearchModes.All)}, got '{name}'");
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidInputException($"--modes: '{twice.Key}' is given twice");
        return names.Select(n => n == SearchModes.Default ? null : n).ToArray();
    }

    static void PrintFill(Request request, GalleryFillResult fill)
    {
        Console.WriteLine(request.KeepGallery
            ? $"bench-api: {request.Url} — its gallery as it is, {fill.Kept} images"
            : string.Create(CultureInfo.InvariantCulture,
                $"bench-api: {request.Url} — gallery of {request.Fill.Images} bench images × {request.Fill.ImgDim} features " +
                $"({fill.Kept} kept, {fill.Uploaded} uploaded in {fill.UploadSeconds:0.0} s, {fill.Deleted} deleted)"));
        if (fill.UploadLatency is { } latency)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"upload: POST /images of {request.Fill.UploadBatch} images, p50 {latency.P50:0.0} ms, p95 {latency.P95:0.0} ms, p99 {latency.P99:0.0} ms, max {latency.Max:0.0} ms"));
    }

    static void PrintSettings(Request request, int sentences, IReadOnlyList<ModeProbe> probes)
    {
        var search = request.Search;
        var firstHit = probes.First(p => p.Result is not null).Result!.FirstHit;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"text-to-image, model {search.Model}, k {search.K}, {search.QueriesPerRequest} quer{(search.QueriesPerRequest == 1 ? "y" : "ies")} per request " +
            $"(first probe's top hit: {firstHit}), {(request.DistinctQueries ? "distinct" : "a fixed set of")} {sentences} sentences; " +
            $"{request.Warmup} s warm-up + {request.Seconds} s per client count and mode; this machine: {Environment.ProcessorCount} logical CPUs"));
        var shortlist = search.Shortlist is { } size ? $" (shortlist {size} sent with shortlist and auto)" : "";
        Console.WriteLine("modes" + shortlist + ": " + string.Join("; ", probes.Select(p => p.Result is { } result
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Mode} → the service ran {result.Ran ?? "(not reported)"}, reranking {result.Reranked} images per query")
            : $"{p.Mode} → refused")));
        foreach (var (mode, _, failure) in probes.Where(p => p.Failure is not null))
            Console.Error.WriteLine($"warning: mode {mode} does not work, so its searches will count as errors: {failure}");
    }

    static void PrintResults(IReadOnlyList<LoadResult> runs)
    {
        var table = new Table().Border(TableBorder.Markdown);
        var headers = LoadResultTable.Headers(runs);
        foreach (var (header, column) in headers.Select((h, i) => (h, i)))
        {
            var tableColumn = new TableColumn(Markup.Escape(header)).NoWrap();   // a wrapped cell breaks the Markdown table
            table.AddColumn(column is 1 or 2 ? tableColumn : tableColumn.RightAligned());
        }
        foreach (var row in LoadResultTable.Rows(runs)) table.AddRow(row.Select(Markup.Escape).ToArray());
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Profile.Width = Math.Max(console.Profile.Width, 240);   // redirected output would otherwise wrap at 80
        console.Write(table);
        foreach (var run in runs)
            foreach (var error in run.ErrorKinds)
                Console.WriteLine($"{run.Clients} client(s), mode {run.ModeName}: {error.Count} × {error.Kind} {error.FirstAnswer}".TrimEnd());
    }
}
