using System.Text.Json.Nodes;
using Sgraf.LoadTest.Tests.Compare;
using Sgraf.TestSupport;

namespace Sgraf.LoadTest.Tests.Cli;

/// <summary><c>sgraf-load compare-answers</c> against two fake services over real HTTP: what it sends, what it counts, its exit code.</summary>
public sealed class CompareAnswersCommandTests
{
    static readonly string[] ImageIds = [.. Enumerable.Range(0, 6).Select(i => $"img-{i}")];
    static readonly string[] Captions = [.. Enumerable.Range(0, 6).Select(i => $"caption {i}")];

    /// <summary>The same answer for every query of a direction, its scores moved by <paramref name="shift"/>.</summary>
    static (int, JsonObject) Answer(string direction, double shift) => (200, direction == "text-to-image"
        ? FakeGalleryService.Hits("shortlist", ("img-1", 0.9 + shift), ("img-2", 0.8 + shift), ("img-3", 0.7 + shift))
        : FakeGalleryService.Hits("exact", ("c1", 0.6 + shift), ("c2", 0.5 + shift)));

    static ToolProcess.Result Compare(FakeGalleryService a, FakeGalleryService b, params string[] more) =>
        ToolProcess.Run("sgraf-load", ["compare-answers", "--a", a.Url, "--b", b.Url, .. more]);

    [Fact]
    public void Answers_that_agree_within_the_tolerance_are_all_equal_and_both_services_get_every_gallery_query_in_mode_auto()
    {
        using var a = new FakeGalleryService(ImageIds, Captions, (direction, _) => Answer(direction, 0));
        using var b = new FakeGalleryService(ImageIds, Captions, (direction, _) => Answer(direction, 3e-6));

        var run = Compare(a, b);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("text-to-image: 6 of 6 answers equal; largest score difference of a hit in both 3E-06; A ran shortlist 6×, B ran shortlist 6×", run.StandardOutput);
        Assert.Contains("image-to-text: 6 of 6 answers equal", run.StandardOutput);
        Assert.Contains("all answers equal", run.StandardOutput);
        foreach (var service in new[] { a, b })
        {
            // Fewer items than --queries (200): every caption and every image is a query, once.
            Assert.Equal(Captions.Order(), service.Searches.Where(s => s.Direction == "text-to-image").Select(s => s.Body["queries"]![0]!.GetValue<string>()).Order());
            Assert.Equal(ImageIds.Order(), service.Searches.Where(s => s.Direction == "image-to-text").Select(s => s.Body["queries"]![0]!["id"]!.GetValue<string>()).Order());
            Assert.All(service.Searches, s =>
            {
                Assert.Equal("auto", s.Body["mode"]!.GetValue<string>());
                Assert.Equal(10, s.Body["k"]!.GetValue<int>());
                Assert.False(s.Body.ContainsKey("allowPartial"));
            });
        }
        Assert.Equal(a.Searches.Select(s => s.Body.ToJsonString()), b.Searches.Select(s => s.Body.ToJsonString()));
    }

    [Fact]
    public void A_different_order_or_a_refused_search_is_a_mismatch_printed_with_both_answers_and_exit_code_2()
    {
        using var a = new FakeGalleryService(ImageIds, Captions, (direction, _) => Answer(direction, 0));
        using var b = new FakeGalleryService(ImageIds, Captions, (direction, query) => query switch
        {
            "caption 3" => (200, FakeGalleryService.Hits("shortlist", ("img-2", 0.9), ("img-1", 0.8), ("img-3", 0.7))),
            "img-4" => (503, new JsonObject { ["title"] = "Service Unavailable", ["detail"] = "shard 7 is recovering its data" }),
            _ => Answer(direction, 0),
        });
        using var dir = new TempDirectory();

        var run = Compare(a, b, "--json", dir.File("compare.json"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("text-to-image: 5 of 6 answers equal", run.StandardOutput);
        Assert.Contains("image-to-text: 5 of 6 answers equal", run.StandardOutput);
        Assert.Contains("'caption 3': rank 1: A has 'img-1' (0.9), B has 'img-2' (0.9): 'img-1' scores 0.9 on one side and 0.8 on the other", run.StandardOutput);
        Assert.Contains("  B: img-2 0.9 img-1 0.8 img-3 0.7", run.StandardOutput);
        Assert.Contains("'img-4': B: HTTP 503 ServiceUnavailable: shard 7 is recovering its data", run.StandardOutput);
        Assert.Contains("answers differ", run.StandardOutput);
        var report = JsonNode.Parse(File.ReadAllText(dir.File("compare.json")))!;
        Assert.False(report["allEqual"]!.GetValue<bool>());
        Assert.Equal([1, 1], report["outcomes"]!.AsArray().Select(o => o!["mismatches"]!.AsArray().Count));
    }

    [Fact]
    public void Galleries_of_different_sizes_fail_the_comparison_and_text_queries_may_come_from_a_caption_file()
    {
        using var a = new FakeGalleryService(ImageIds, Captions, (direction, _) => Answer(direction, 0));
        using var b = new FakeGalleryService(ImageIds[..5], Captions, (direction, _) => Answer(direction, 0));
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("caps.txt"), ["a red circle", "a blue square", "a green star"]);

        var run = Compare(a, b, "--captions-file", dir.File("caps.txt"), "--queries", "2", "--seed", "7");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("the galleries differ in size", run.StandardOutput);
        Assert.Contains("text-to-image: 2 of 2 answers equal", run.StandardOutput);
        var sentences = a.Searches.Where(s => s.Direction == "text-to-image").Select(s => s.Body["queries"]![0]!.GetValue<string>()).ToList();
        Assert.Equal(2, sentences.Distinct().Count());
        Assert.All(sentences, s => Assert.Contains(s, (string[])["a red circle", "a blue square", "a green star"]));
    }

    [Fact]
    public void Bad_arguments_fail_with_a_message_before_any_request()
    {
        // Port 1 of this machine answers nothing: these fail before they would find out.
        string[] Args(params string[] more) => ["compare-answers", "--a", "http://127.0.0.1:1", "--b", "http://127.0.0.1:1", .. more];
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Args("--queries", "0")), "--queries must be 1–100000, got 0");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Args("--mode", "exact", "--shortlist", "50")), "--shortlist is sent only with modes shortlist and auto");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Args("--mode", "fast")), "--mode must be one of");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", Args("--tolerance", "-1")), "--tolerance must be a finite number");
        ToolProcess.AssertCleanFailure(ToolProcess.Run("sgraf-load", ["compare-answers", "--a", "http://192.0.2.1:5000", "--b", "http://127.0.0.1:1"]), "--allow-remote");
    }
}
