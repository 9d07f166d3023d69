using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.LoadTest.Compare;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// <c>sgraf-load compare-answers</c>: sends the same text-to-image and image-to-text queries to two services (a single
/// node and a sharded cluster holding the same gallery, say) and counts the answers that are equal (same hits, same
/// order, scores within a tolerance; <see cref="AnswerComparison"/>). Exit code 2 when any answer differs.
/// </summary>
internal static class CompareAnswersCommand
{
    /// <summary>The exit code when the services answered differently (1 is bad input, as for every verb).</summary>
    public const int Mismatch = 2;

    sealed record Request(Uri A, Uri B, string? ApiKey, bool AllowRemote, int Queries, int Seed, string? CaptionFile,
        CompareSettings Settings, string? JsonPath);

    /// <summary>What --json holds: the settings, both galleries' sizes and each direction's outcome with its mismatches.</summary>
    internal sealed record CompareAnswersReport(string A, string B, int Queries, int Seed, CompareSettings Settings,
        GallerySizes SizesA, GallerySizes SizesB, IReadOnlyList<DirectionOutcome> Outcomes, bool AllEqual);

    internal sealed record GallerySizes(int Images, int Captions);

    public static Command Create()
    {
        var a = new Option<string>("--a") { Description = "The first service (queries are drawn from its gallery)", Required = true };
        var b = new Option<string>("--b") { Description = "The second service", Required = true };
        var apiKey = new Option<string?>("--api-key") { Description = "X-Api-Key, where the services ask for one to search and read" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow URLs that are not this machine" };
        var queries = new Option<int>("--queries") { Description = "Queries per direction", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Seed of the drawn queries", DefaultValueFactory = _ => 1 };
        var captionFile = new Option<string?>("--captions-file")
        {
            Description = "Draw the text queries from this file (one caption a line, e.g. a split's test_caps.txt) instead of A's GET /captions",
        };
        var mode = new Option<string>("--mode") { Description = "exact, shortlist, auto or default (none sent)", DefaultValueFactory = _ => SearchModes.Auto };
        var shortlist = new Option<int?>("--shortlist") { Description = "Candidates reranked per query, sent with modes shortlist and auto (default: the services')" };
        var k = new Option<int>("--k") { Description = "Hits per query", DefaultValueFactory = _ => 10 };
        var model = new Option<string>("--model") { Description = "sgr, saf or sgraf", DefaultValueFactory = _ => "sgraf" };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Largest score difference of one hit that still counts as the same score (float32 rounding differs between batch compositions)",
            DefaultValueFactory = _ => 1e-5,
        };
        var json = new Option<string?>("--json") { Description = "Write the settings, counts and mismatches here" };
        var command = new Command("compare-answers",
            "Send the same queries (both directions) to two services holding the same gallery and count the answers that are equal; exit code 2 on any difference")
        {
            a, b, apiKey, allowRemote, queries, seed, captionFile, mode, shortlist, k, model, tolerance, json,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(new Request(
            ParseUrl("--a", parse.GetValue(a)!), ParseUrl("--b", parse.GetValue(b)!), parse.GetValue(apiKey), parse.GetValue(allowRemote),
            parse.GetValue(queries), parse.GetValue(seed), parse.GetValue(captionFile),
            new CompareSettings(parse.GetValue(k), parse.GetValue(model)!, ParseMode(parse.GetValue(mode)!), parse.GetValue(shortlist), parse.GetValue(tolerance)),
            parse.GetValue(json)))));
        return command;
    }

    static int Run(Request request)
    {
        Validate(request);
        using var a = new BenchServiceClient(request.A, request.ApiKey, maxConnections: 2);
        using var b = new BenchServiceClient(request.B, request.ApiKey, maxConnections: 2);
        var cancel = CancellationToken.None;
        CompareAnswersReport report = null!;
        // Either service's failure names that service.
        GallerySizes sizesA = null!, sizesB = null!;
        CompareQueries queries = null!;
        ServiceCall.Run(request.A, () =>
        {
            EnsureReady(a, cancel);
            sizesA = Sizes(a, cancel);
            queries = CompareQuerySource.Draw(a, request.Queries, request.Seed, request.CaptionFile, cancel);
            return CommandRunner.Success;
        });
        ServiceCall.Run(request.B, () =>
        {
            EnsureReady(b, cancel);
            sizesB = Sizes(b, cancel);
            return CommandRunner.Success;
        });
        ServiceCall.Run(request.A, () =>
        {
            var outcomes = CommandRunner.WithProgress($"comparing {queries.Sentences.Count + queries.ImageIds.Count} answers", task =>
            {
                task.MaxValue = queries.Sentences.Count + queries.ImageIds.Count;
                return new[]
                {
                    AnswerPair.Compare(a, b, AnswerPair.TextToImage, queries.Sentences, request.Settings, () => task.Increment(1), cancel),
                    AnswerPair.Compare(a, b, AnswerPair.ImageToText, queries.ImageIds, request.Settings, () => task.Increment(1), cancel),
                };
            });
            report = new CompareAnswersReport(request.A.AbsoluteUri, request.B.AbsoluteUri, request.Queries, request.Seed, request.Settings,
                sizesA, sizesB, outcomes, sizesA == sizesB && outcomes.All(o => o.Equal == o.Queries));
            return CommandRunner.Success;
        });
        Print(report);
        if (request.JsonPath is { } path)
            File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions(BenchServiceClient.Json) { WriteIndented = true }));
        return report.AllEqual ? CommandRunner.Success : Mismatch;
    }

    static void EnsureReady(BenchServiceClient service, CancellationToken cancel)
    {
        if (!service.IsReadyAsync(cancel).GetAwaiter().GetResult())
            throw new InvalidInputException($"{service.Address}: GET health/ready does not answer 200; is the service up?");
    }

    static GallerySizes Sizes(BenchServiceClient service, CancellationToken cancel) =>
        new(service.PageAsync("images", 0, 1, cancel).GetAwaiter().GetResult().Total,
            service.PageAsync("captions", 0, 1, cancel).GetAwaiter().GetResult().Total);

    static void Validate(Request request)
    {
        foreach (var (name, url) in new[] { ("--a", request.A), ("--b", request.B) })
            if (!url.IsLoopback && !request.AllowRemote)
                throw new InvalidInputException($"{name} {url} is not this machine; comparing another machine's answers needs --allow-remote");
        var settings = request.Settings;
        foreach (var (name, value, min, max) in new[]
                 {
                     ("--queries", request.Queries, 1, 100_000), ("--k", settings.K, 1, 1000), ("--shortlist", settings.Shortlist ?? 1, 1, 1_000_000),
                 })
            if (value < min || value > max) throw new InvalidInputException($"{name} must be {min}–{max}, got {value}");
        if (!double.IsFinite(settings.Tolerance) || settings.Tolerance < 0)
            throw new InvalidInputException($"--tolerance must be a finite number ≥ 0, got {settings.Tolerance.ToString(CultureInfo.InvariantCulture)}");
        if (settings.Shortlist is not null && !SearchModes.TakesShortlist(settings.Mode))
            throw new InvalidInputException($"--shortlist is sent only with modes shortlist and auto, not with {SearchModes.Name(settings.Mode)}");
    }

    static Uri ParseUrl(string name, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidInputException($"{name} must be an http:// or https:// address, got '{text}'");

    static string? ParseMode(string text)
    {
        var mode = text.Trim().ToLowerInvariant();
        if (!SearchModes.All.Contains(mode))
            throw new InvalidInputException($"--mode must be one of {string.Join(", ", SearchModes.All)}, got '{text}'");
        return mode == SearchModes.Default ? null : mode;
    }

    static void Print(CompareAnswersReport report)
    {
        var s = report.Settings;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compare-answers: A {report.A} ({report.SizesA.Images} images, {report.SizesA.Captions} captions), " +
            $"B {report.B} ({report.SizesB.Images} images, {report.SizesB.Captions} captions); mode {SearchModes.Name(s.Mode)}" +
            $"{(s.Shortlist is { } size ? $" (shortlist {size})" : "")}, model {s.Model}, k {s.K}, score tolerance {s.Tolerance:G3}, seed {report.Seed}"));
        if (report.SizesA != report.SizesB) Console.WriteLine("the galleries differ in size: their answers cannot be expected to agree");
        foreach (var o in report.Outcomes)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{o.Direction}: {o.Equal} of {o.Queries} answers equal; largest score difference of a hit in both {o.MaxScoreDifference:G3}; " +
                $"A ran {Ran(o.RanA)}, B ran {Ran(o.RanB)}"));
        foreach (var m in report.Outcomes.SelectMany(o => o.Mismatches))
        {
            Console.WriteLine($"mismatch: {m.Direction} query {m.Query} '{BenchServiceClient.Shorten(m.Input)}': {m.Why}");
            Console.WriteLine($"  A: {Hits(m.A)}");
            Console.WriteLine($"  B: {Hits(m.B)}");
        }
        Console.WriteLine(report.AllEqual ? "all answers equal" : "answers differ");
    }

    static string Ran(IReadOnlyDictionary<string, int> ran) =>
        ran.Count == 0 ? "(no answer)" : string.Join(", ", ran.Select(r => $"{r.Key} {r.Value}×"));

    static string Hits(IReadOnlyList<AnswerHit>? hits) =>
        hits is null ? "(no answer)" : string.Join(" ", hits.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Id} {h.Score:G7}")));
}
