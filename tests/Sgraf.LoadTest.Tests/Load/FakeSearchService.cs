using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace Sgraf.LoadTest.Tests.Load;

/// <summary>
/// A stand-in for the Sgraf service, on a free loopback port, as <c>sgraf bench-api</c> sees a service whose bundle has
/// no shortlist head: a gallery of <c>bench-000000</c> … images, search mode exact and auto run exact, mode shortlist is
/// refused with the service's 400. Keeps every search body it was sent.
/// </summary>
internal sealed class FakeSearchService : IDisposable
{
    const string NoHead = "is 'shortlist', but this bundle has no shortlist head; train one with `sgraf train-shortlist` and add it to the bundle with `sgraf add-shortlist`, or use mode exact (or auto)";

    readonly LoopbackHttpServer server;
    readonly int images;

    public FakeSearchService(int images)
    {
        this.images = images;
        server = new LoopbackHttpServer(Answer);
    }

    public string Url => server.Url;

    public ConcurrentQueue<JsonObject> Searches { get; } = new();

    LoopbackReply Answer(HttpListenerRequest request)
    {
        var path = request.Url!.AbsolutePath;
        var (status, body) = path switch
        {
            "/health/ready" => (200, """{"status":"ready"}"""),
            "/images" => (200, new JsonObject
            {
                ["total"] = images,
                ["items"] = new JsonArray(Enumerable.Range(0, images).Select(i => (JsonNode)new JsonObject { ["id"] = $"bench-{i:D6}" }).ToArray()),
            }.ToJsonString()),
            "/search/text-to-image" => Search(request),
            _ => (404, """{"title":"Not Found"}"""),
        };
        return new LoopbackReply(status, body);
    }

    (int, string) Search(HttpListenerRequest request)
    {
        var search = JsonNode.Parse(LoopbackHttpServer.BodyOf(request))!.AsObject();
        Searches.Enqueue(search);
        var mode = search["mode"]?.GetValue<string>();
        if (mode == "shortlist")
            return (400, new JsonObject
            {
                ["title"] = "One or more validation errors occurred.", ["status"] = 400,
                ["errors"] = new JsonObject { ["mode"] = new JsonArray(NoHead) },
            }.ToJsonString());
        int k = search["k"]!.GetValue<int>();
        var results = new JsonArray(search["queries"]!.AsArray().Select((_, q) => (JsonNode)new JsonObject
        {
            ["query"] = q,
            ["reranked"] = images,
            ["hits"] = new JsonArray(Enumerable.Range(0, Math.Min(k, images))
                .Select(i => (JsonNode)new JsonObject { ["id"] = $"bench-{i:D6}", ["score"] = 1.0 - i / 10.0 }).ToArray()),
        }).ToArray());
        return (200, new JsonObject { ["model"] = "sgraf", ["mode"] = "exact", ["shortlist"] = null, ["results"] = results }.ToJsonString());
    }

    public void Dispose() => server.Dispose();
}
