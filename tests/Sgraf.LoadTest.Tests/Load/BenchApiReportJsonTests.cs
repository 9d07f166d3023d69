using System.Text.Json;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Tests.Load;

public sealed class BenchApiReportJsonTests
{
    static readonly JsonSerializerOptions Json = new(BenchServiceClient.Json) { WriteIndented = true };

    [Fact]
    public void A_report_with_modes_comes_back_from_its_json_as_written()
    {
        var report = new BenchApiReport("batching on", "http://127.0.0.1:5391/", 2000, 2048, "sgraf", 10, 1, true, 27144, 500, 3, 20, 2,
            DateTimeOffset.UnixEpoch, new GalleryFillResult(0, 0, 2000, 30.5),
            [
                LoadResultTableTests.Run(1, "exact", 4, 250, reranked: 2000),
                LoadResultTableTests.Run(1, "shortlist", 40, 25, reranked: 200) with
                {
                    Errors = 1, ErrorKinds = [new ErrorKind("mode mismatch: asked shortlist, the service ran exact", 1, "{}")],
                },
                LoadResultTableTests.Run(1, null, 30, 30),
            ]);

        var json = JsonSerializer.Serialize(report, Json);
        var back = JsonSerializer.Deserialize<BenchApiReport>(json, Json)!;

        Assert.Contains("\"mode\": \"shortlist\"", json);
        Assert.Contains("\"ran\": {", json);
        Assert.Contains("\"meanReranked\": 200", json);
        Assert.DoesNotContain("modeName", json);
        Assert.DoesNotContain("ranName", json);
        Assert.Equal(["exact", "shortlist", "default"], back.Runs.Select(r => r.ModeName));
        Assert.Equal([null, 200, null], back.Runs.Select(r => r.Shortlist));
        Assert.Equal(["exact", "shortlist", "exact"], back.Runs.Select(r => r.RanName));
        Assert.Equal([2000, 200, null], back.Runs.Select(r => r.MeanReranked));
        Assert.Equal(report.Runs[1].ErrorKinds, back.Runs[1].ErrorKinds);
        Assert.Equal(report.Runs[0].LatencyMs, back.Runs[0].LatencyMs);
    }

    [Fact]
    public void A_report_written_before_modes_reads_as_mode_default_with_nothing_known_of_what_ran()
    {
        // As bench-api wrote it for docs/benchmarks.md (batching off, 1,000 images), before --modes.
        const string old = """
            {
              "label": "batching off", "url": "http://127.0.0.1:5391/", "images": 1000, "imgDim": 2048, "model": "sgraf", "k": 10,
              "queriesPerRequest": 1, "distinctQueries": true, "sentences": 27144, "sentencesSent": 3021, "warmupSeconds": 3,
              "seconds": 20, "processorCount": 2, "startedAt": "2026-11-20T10:00:00+00:00",
              "fill": { "kept": 1000, "deleted": 0, "uploaded": 0, "uploadSeconds": 0 },
              "runs": [
                { "clients": 1, "seconds": 20, "requests": 596, "queries": 596, "requestsPerSecond": 29.8, "queriesPerSecond": 29.8,
                  "latencyMs": { "mean": 33.1, "p50": 31.4, "p95": 45.2, "p99": 51.4, "max": 80.2 },
                  "rejected": 0, "errors": 0, "errorKinds": [] }
              ]
            }
            """;

        var report = JsonSerializer.Deserialize<BenchApiReport>(old, BenchServiceClient.Json)!;
        var run = report.Runs.Single();

        Assert.Equal("default", run.ModeName);
        Assert.Null(run.Mode);
        Assert.Null(run.Shortlist);
        Assert.Null(run.Ran);
        Assert.Null(run.MeanReranked);
        Assert.Equal("–", run.RanName);
        Assert.Equal(29.8, run.RequestsPerSecond);
    }
}
