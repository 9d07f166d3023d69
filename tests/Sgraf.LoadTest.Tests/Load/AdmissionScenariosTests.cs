using System.Diagnostics;
using System.Text.Json.Nodes;
using Sgraf.LoadTest.Cli;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class AdmissionScenariosTests
{
    [Fact]
    public void Long_queries_are_distinct_texts_of_exactly_the_length_in_the_shapes_words()
    {
        var queries = AdmissionScenarios.LongQueries(64, 1000, seed: 1);
        var vocabulary = BenchQueries.Distinct(1).SelectMany(s => s.Split(' ')).ToHashSet();

        Assert.Equal(64, queries.Length);
        Assert.All(queries, q => Assert.Equal(1000, q.Length));
        Assert.Equal(64, queries.Distinct().Count());
        // Every word but the one the cut may split is the grammar's.
        Assert.All(queries, q => Assert.All(q.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1), w => Assert.Contains(w, vocabulary)));
    }

    [Fact]
    public async Task The_crowd_waits_what_retry_after_says_after_a_503_and_counts_every_answer()
    {
        int searches = 0;
        using var service = new LoopbackHttpServer(request =>
        {
            // The first search of all is refused with Retry-After 1; every other is answered.
            if (Interlocked.Increment(ref searches) == 1)
                return new LoopbackReply(503, """{"title":"The heavy searches' lane is full"}""", ("Retry-After", "1"));
            var queries = JsonNode.Parse(LoopbackHttpServer.BodyOf(request))!["queries"]!.AsArray();
            return new LoopbackReply(200, new JsonObject { ["results"] = new JsonArray([.. queries.Select((_, q) => (JsonNode)new JsonObject { ["query"] = q })]) }.ToJsonString());
        });
        using var client = new BenchServiceClient(new Uri(service.Url), null, maxConnections: 4);
        var clock = Stopwatch.StartNew();

        var crowd = await new AdmissionScenarios(client, seed: 1).CrowdAsync(clients: 1, queriesPerRequest: 3, TimeSpan.FromSeconds(1.5), CancellationToken.None);

        var refused = Assert.Single(crowd.Answers.Concat(crowd.Ordinary), a => a.Status == 503);
        Assert.Equal(1, refused.RetryAfterSeconds);
        Assert.All(crowd.Answers.Concat(crowd.Ordinary).Where(a => a != refused), a => Assert.Equal(200, a.Status));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5));
        Assert.Equal((1, 3), (crowd.Clients, crowd.QueriesPerRequest));
        Assert.NotEmpty(crowd.Ordinary);
        Assert.Contains("1 × 503", BenchAdmissionCommand.Tally([.. crowd.Answers, .. crowd.Ordinary]));
    }

    [Fact]
    public void A_tally_counts_statuses_and_gives_the_200s_median_and_max_and_the_retry_afters()
    {
        Answered[] answers =
        [
            new(200, 1500, 100, null, ""), new(200, 500, 100, null, ""), new(200, 2500, 100, null, ""),
            new(503, 2, 80, 3, "full"), new(503, 1, 80, 7, "full"),
        ];

        Assert.Equal("3 × 200, 2 × 503; 200s: median 1.5 s, max 2.5 s; Retry-After 3–7 s", BenchAdmissionCommand.Tally(answers));
        Assert.Equal("400 in 12 ms, 0.5 KB: queries: would cost about …",
            BenchAdmissionCommand.Describe(new Answered(400, 12.4, 512, null, "queries: would cost about …")));
    }
}
