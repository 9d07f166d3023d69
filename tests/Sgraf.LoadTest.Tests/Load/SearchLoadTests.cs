using System.Text;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class SearchLoadTests
{
    static readonly SearchSettings Shortlist = new(10, "sgraf", 2, SearchModes.Shortlist, 200);

    [Fact]
    public void A_measurement_adds_up_its_clients_modes_ran_reranked_counts_and_errors()
    {
        var first = new SearchLoad.ClientTally();
        first.AddAnswer(10, Answer("shortlist", 200, 200));
        first.AddAnswer(30, Answer("shortlist", 200, 150));
        first.AddError("HTTP 500 InternalServerError", "boom");
        var second = new SearchLoad.ClientTally { Rejected = 2 };
        second.AddAnswer(20, Answer("shortlist", 100, 100));
        second.AddError("HTTP 500 InternalServerError", "later");
        second.AddError("mode mismatch: asked shortlist, the service ran exact", "{}");

        var result = SearchLoad.Summarise(Shortlist, clients: 2, seconds: 4, [first, second]);

        Assert.Equal(3, result.Requests);
        Assert.Equal(6, result.Queries);
        Assert.Equal(0.75, result.RequestsPerSecond);
        Assert.Equal(1.5, result.QueriesPerSecond);
        Assert.Equal(20, result.LatencyMs!.P50);
        Assert.Equal(2, result.Rejected);
        Assert.Equal(3, result.Errors);
        Assert.Equal(new ErrorKind("HTTP 500 InternalServerError", 2, "boom"), result.ErrorKinds[0]);
        Assert.Equal("shortlist", result.Mode);
        Assert.Equal(200, result.Shortlist);
        Assert.Equal(new Dictionary<string, long> { ["shortlist"] = 3 }, result.Ran);
        Assert.Equal((200 + 200 + 200 + 150 + 100 + 100) / 6.0, result.MeanReranked);
        Assert.Equal("shortlist", result.RanName);
    }

    [Fact]
    public void Auto_near_its_threshold_may_run_both_modes_and_says_how_often_each()
    {
        var tally = new SearchLoad.ClientTally();
        tally.AddAnswer(10, Answer("shortlist", 200));
        tally.AddAnswer(10, Answer("exact", 900));
        tally.AddAnswer(10, Answer("shortlist", 200));

        var result = SearchLoad.Summarise(new SearchSettings(10, "sgraf", 1, SearchModes.Auto), 1, 1, [tally]);

        Assert.Equal("exact 1 + shortlist 2", result.RanName);
        Assert.Equal(1300 / 3.0, result.MeanReranked!.Value, 9);
        Assert.Null(result.Shortlist);
    }

    [Fact]
    public void A_measurement_without_answers_has_no_latency_no_mode_ran_and_no_reranked_mean()
    {
        var tally = new SearchLoad.ClientTally();
        tally.AddError("HTTP 400 BadRequest", "mode: is 'shortlist', but this bundle has no shortlist head");

        var result = SearchLoad.Summarise(Shortlist, 1, 3, [tally]);

        Assert.Null(result.LatencyMs);
        Assert.Null(result.MeanReranked);
        Assert.Equal("–", result.RanName);
        Assert.Equal(1, result.Errors);
    }

    [Fact]
    public void An_answer_in_another_mode_or_not_in_the_contract_s_shape_does_not_count()
    {
        var exactAnswer = """{"model":"sgraf","mode":"exact","shortlist":null,"results":[{"query":0,"reranked":5000,"hits":[]}]}""";

        Assert.Equal("mode mismatch: asked shortlist, the service ran exact", SearchLoad.Read(Encoding.UTF8.GetBytes(exactAnswer), Shortlist).Problem);
        Assert.StartsWith("unreadable answer", SearchLoad.Read(Encoding.UTF8.GetBytes("<html>"), Shortlist).Problem);
        Assert.Equal("unreadable answer (no results)", SearchLoad.Read(Encoding.UTF8.GetBytes("{}"), Shortlist).Problem);
    }

    static SearchResponse Answer(string mode, params int[] reranked) =>
        new("sgraf", mode, mode == "shortlist" ? 200 : null, reranked.Select((r, q) => new QueryResult(q, r, [])).ToArray());
}
