using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Compare;

/// <summary>What the search settings of a comparison are: the same for every query and both services.</summary>
/// <param name="Mode">exact, shortlist or auto; null sends none (the service's default).</param>
/// <param name="Shortlist">Sent with modes shortlist and auto only; null: the service's default.</param>
internal sealed record CompareSettings(int K, string Model, string? Mode, int? Shortlist, double Tolerance);

/// <summary>One service's answer to one query: its hits and the mode that ran, or why there are none.</summary>
internal sealed record ServiceAnswer(IReadOnlyList<AnswerHit>? Hits, string? Ran, string? Failure);

/// <summary>One query that the two services answered differently (or one of them did not answer).</summary>
internal sealed record AnswerMismatch(string Direction, int Query, string Input, string Why, IReadOnlyList<AnswerHit>? A, IReadOnlyList<AnswerHit>? B);

/// <summary>The outcome of one direction's queries.</summary>
/// <param name="MaxScoreDifference">The largest difference between the two services' scores of the same hit, over every query.</param>
/// <param name="RanA">How many of A's answers ran each mode (exact, shortlist).</param>
internal sealed record DirectionOutcome(string Direction, int Queries, int Equal, double MaxScoreDifference,
    IReadOnlyDictionary<string, int> RanA, IReadOnlyDictionary<string, int> RanB, IReadOnlyList<AnswerMismatch> Mismatches);

/// <summary>
/// Sends each query, one per request, to both services and compares the answers (<see cref="AnswerComparison"/>). A
/// service's refusal, failure or partial answer is a mismatch too: the comparison is of full answers.
/// </summary>
internal static class AnswerPair
{
    public const string TextToImage = "text-to-image";
    public const string ImageToText = "image-to-text";

    public static DirectionOutcome Compare(BenchServiceClient a, BenchServiceClient b, string direction, IReadOnlyList<string> inputs,
        CompareSettings settings, Action queried, CancellationToken cancel)
    {
        var mismatches = new List<AnswerMismatch>();
        var (ranA, ranB) = (new SortedDictionary<string, int>(StringComparer.Ordinal), new SortedDictionary<string, int>(StringComparer.Ordinal));
        double largest = 0;
        for (int q = 0; q < inputs.Count; q++)
        {
            var body = Body(direction, inputs[q], settings);
            var answerA = Ask(a, direction, body, cancel);
            var answerB = Ask(b, direction, body, cancel);
            Count(ranA, answerA.Ran);
            Count(ranB, answerB.Ran);
            string? why = answerA.Failure is { } failA ? $"A: {failA}"
                : answerB.Failure is { } failB ? $"B: {failB}"
                : AnswerComparison.Difference(answerA.Hits!, answerB.Hits!, settings.K, settings.Tolerance);
            if (answerA.Hits is { } hitsA && answerB.Hits is { } hitsB)
                largest = Math.Max(largest, AnswerComparison.LargestScoreDifference(hitsA, hitsB));
            if (why is not null) mismatches.Add(new AnswerMismatch(direction, q, inputs[q], why, answerA.Hits, answerB.Hits));
            queried();
        }
        return new DirectionOutcome(direction, inputs.Count, inputs.Count - mismatches.Count, largest, ranA, ranB, mismatches);
    }

    /// <summary>The request body: one query (a sentence, or a gallery image by id), the settings, no allowPartial.</summary>
    public static byte[] Body(string direction, string input, CompareSettings settings)
    {
        var body = new JsonObject
        {
            ["queries"] = new JsonArray(direction == TextToImage ? JsonValue.Create(input) : new JsonObject { ["id"] = input }),
            ["k"] = settings.K,
            ["model"] = settings.Model,
        };
        if (settings.Mode is { } mode) body["mode"] = mode;
        if (settings.Shortlist is { } shortlist && SearchModes.TakesShortlist(settings.Mode)) body["shortlist"] = shortlist;
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    static ServiceAnswer Ask(BenchServiceClient service, string direction, byte[] body, CancellationToken cancel)
    {
        var reply = service.SearchAsync($"search/{direction}", body, cancel).GetAwaiter().GetResult();
        if (reply.Status != HttpStatusCode.OK)
            return new ServiceAnswer(null, null, $"HTTP {(int)reply.Status} {reply.Status}: {BenchServiceClient.Describe(reply.Body)}");
        try
        {
            var answer = JsonNode.Parse(reply.Body);
            var ran = answer?["mode"]?.GetValue<string>();
            if (answer?["partial"]?.GetValue<bool>() == true)
                return new ServiceAnswer(null, ran, $"a partial answer (shards {answer["missingShards"]?.ToJsonString() ?? "?"} missing)");
            var result = BenchServiceClient.Field(answer, "results").AsArray().Single();
            var hits = BenchServiceClient.Field(result, "hits").AsArray()
                .Select(h => new AnswerHit(BenchServiceClient.Field(h, "id").GetValue<string>(), BenchServiceClient.Field(h, "score").GetValue<double>()))
                .ToList();
            return new ServiceAnswer(hits, ran, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or Sgraf.Inference.InvalidInputException)
        {
            return new ServiceAnswer(null, null, $"an answer that is not the search contract's ({e.Message})");
        }
    }

    static void Count(SortedDictionary<string, int> ran, string? mode)
    {
        if (mode is null) return;
        ran[mode] = ran.GetValueOrDefault(mode) + 1;
    }
}
