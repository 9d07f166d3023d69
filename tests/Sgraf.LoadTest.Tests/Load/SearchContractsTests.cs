using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class SearchContractsTests
{
    [Fact]
    public void A_search_in_the_service_s_default_mode_sends_no_mode_and_no_shortlist()
    {
        var body = Send(new SearchSettings(10, "sgraf", 1));

        Assert.Equal("""{"queries":["a red circle"],"k":10,"model":"sgraf"}""", body.ToJsonString());
    }

    [Fact]
    public void A_mode_and_a_shortlist_are_sent_in_the_service_s_names()
    {
        var body = Send(new SearchSettings(5, "sgr", 1, SearchModes.Shortlist, 200));

        Assert.Equal("shortlist", body["mode"]!.GetValue<string>());
        Assert.Equal(200, body["shortlist"]!.GetValue<int>());
    }

    [Fact]
    public void An_answer_is_read_with_its_mode_shortlist_and_reranked_count_and_ignores_what_bench_api_does_not_use()
    {
        var json = """
            {"model":"sgraf","mode":"shortlist","shortlist":200,
             "results":[{"query":0,"reranked":200,"hits":[{"id":"bench-000007","score":0.61,"text":null,"metadata":{"url":"x"}}]}]}
            """;

        var (answer, problem) = SearchLoad.Read(Encoding.UTF8.GetBytes(json), new SearchSettings(10, "sgraf", 1, SearchModes.Shortlist, 200));

        Assert.Null(problem);
        Assert.Equal("shortlist", answer!.Mode);
        Assert.Equal(200, answer.Shortlist);
        Assert.Equal(200, answer.Results![0].Reranked);
        Assert.Equal("bench-000007", answer.Results[0].Hits![0].Id);
    }

    [Theory]
    [InlineData("exact", null, "exact", null, null)]
    [InlineData("exact", null, "shortlist", 200, "mode mismatch: asked exact, the service ran shortlist")]
    [InlineData("shortlist", 50, "shortlist", 50, null)]
    [InlineData("shortlist", null, "shortlist", 200, null)]
    [InlineData("shortlist", 50, "shortlist", 200, "mode mismatch: asked a shortlist of 50, the service used 200")]
    [InlineData("shortlist", null, "exact", null, "mode mismatch: asked shortlist, the service ran exact")]
    [InlineData("auto", 50, "exact", null, null)]
    [InlineData("auto", null, "shortlist", 200, null)]
    [InlineData(null, null, "shortlist", 200, null)]
    public void Exact_and_shortlist_must_run_as_asked_while_auto_and_the_default_may_run_either(
        string? asked, int? shortlistSent, string ran, int? shortlistUsed, string? expected)
    {
        var answer = new SearchResponse("sgraf", ran, shortlistUsed, []);

        Assert.Equal(expected, SearchModes.Mismatch(asked, shortlistSent, answer));
    }

    [Fact]
    public void A_service_without_modes_is_a_mismatch_only_where_a_mode_was_asked_for()
    {
        var old = new SearchResponse("sgraf", null, null, []);

        Assert.Null(SearchModes.Mismatch(null, null, old));
        Assert.StartsWith("mode mismatch: asked exact, the service ran no mode", SearchModes.Mismatch(SearchModes.Exact, null, old));
    }

    [Fact]
    public void A_refusal_is_described_by_the_problem_s_errors()
    {
        var problem = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
             "errors":{"mode":["is 'shortlist', but this bundle has no shortlist head; train one with `sgraf train-shortlist`"]}}
            """;

        Assert.Equal("mode: is 'shortlist', but this bundle has no shortlist head; train one with `sgraf train-shortlist`",
            BenchServiceClient.Describe(Encoding.UTF8.GetBytes(problem)));
        Assert.Equal("queue full", BenchServiceClient.Describe(Encoding.UTF8.GetBytes("""{"title":"queue full"}""")));
        Assert.Equal("Bad Gateway", BenchServiceClient.Describe(Encoding.UTF8.GetBytes("Bad Gateway")));
    }

    static JsonObject Send(SearchSettings search) =>
        JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(search.Request(["a red circle"]), BenchServiceClient.Json))!.AsObject();
}
