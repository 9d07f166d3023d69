using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace Sgraf.LoadTest.Tests.Compare;

/// <summary>
/// A stand-in for the Sgraf service as compare-answers sees one, on a free loopback port: a gallery of the given image
/// ids and caption texts (GET /images and /captions, paged by offset and limit) and searches in both directions,
/// answered by <see cref="Answer"/>. Keeps every search body it was sent.
/// </summary>
internal sealed class FakeGalleryService : IDisposable
{
    readonly LoopbackHttpServer server;
    readonly string[] imageIds;
    readonly string[] captions;

    /// <param name="answer">(direction, the query: a sentence or an image id) → status and body.</param>
    public FakeGalleryService(string[] imageIds, string[] captions, Func<string, string, (int Status, JsonObject Body)> answer)
    {
        (this.imageIds, this.captions, Answer) = (imageIds, captions, answer);
        server = new LoopbackHttpServer(Respond);
    }

    public string Url => server.Url;

    public Func<string, string, (int Status, JsonObject Body)> Answer { get; }

    public ConcurrentQueue<(string Direction, JsonObject Body)> Searches { get; } = new();

    /// <summary>A search answer as the service writes one: one result, hits of (id, score).</summary>
    public static JsonObject Hits(string mode, params (string Id, double Score)[] hits) => new()
    {
        ["model"] = "sgraf",
        ["mode"] = mode,
        ["shortlist"] = mode == "shortlist" ? 200 : null,
        ["results"] = new JsonArray(new JsonObject
        {
            ["query"] = 0,
            ["reranked"] = hits.Length,
            ["hits"] = new JsonArray([.. hits.Select(h => (JsonNode)new JsonObject { ["id"] = h.Id, ["score"] = h.Score })]),
        }),
    };

    LoopbackReply Respond(HttpListenerRequest request)
    {
        var (status, body) = request.Url!.AbsolutePath switch
        {
            "/health/ready" => (200, new JsonObject { ["status"] = "ready" }),
            "/images" => (200, Page(request, imageIds.Select(id => new JsonObject { ["id"] = id }))),
            "/captions" => (200, Page(request, captions.Select((text, i) => new JsonObject { ["id"] = $"c{i}", ["text"] = text }))),
            "/search/text-to-image" => Search(request, "text-to-image", q => q.GetValue<string>()),
            "/search/image-to-text" => Search(request, "image-to-text", q => q["id"]!.GetValue<string>()),
            _ => (404, new JsonObject { ["title"] = "Not Found" }),
        };
        return new LoopbackReply(status, body.ToJsonString());
    }

    static JsonObject Page(HttpListenerRequest request, IEnumerable<JsonObject> items)
    {
        var all = items.ToList();
        int offset = int.Parse(request.QueryString["offset"] ?? "0"), limit = int.Parse(request.QueryString["limit"] ?? "100");
        return new JsonObject { ["total"] = all.Count, ["items"] = new JsonArray([.. all.Skip(offset).Take(limit)]) };
    }

    (int, JsonObject) Search(HttpListenerRequest request, string direction, Func<JsonNode, string> query)
    {
        var body = JsonNode.Parse(LoopbackHttpServer.BodyOf(request))!.AsObject();
        Searches.Enqueue((direction, body));
        return Answer(direction, query(body["queries"]![0]!));
    }

    public void Dispose() => server.Dispose();
}
