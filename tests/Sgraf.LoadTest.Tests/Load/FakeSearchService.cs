using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    readonly HttpListener listener = new();
    readonly int images;
    readonly Task serving;

    public FakeSearchService(int images)
    {
        this.images = images;
        Url = $"http://127.0.0.1:{FreePort()}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        serving = Task.Run(Serve);
    }

    public string Url { get; }

    public ConcurrentQueue<JsonObject> Searches { get; } = new();

    static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    void Answer(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var (status, body) = path switch
        {
            "/health/ready" => (200, """{"status":"ready"}"""),
            "/images" => (200, new JsonObject
            {
                ["total"] = images,
                ["items"] = new JsonArray(Enumerable.Range(0, images).Select(i => (JsonNode)new JsonObject { ["id"] = $"bench-{i:D6}" }).ToArray()),
            }.ToJsonString()),
            "/search/text-to-image" => Search(context.Request),
            _ => (404, """{"title":"Not Found"}"""),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = status == 200 ? "application/json" : "application/problem+json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    (int, string) Search(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var search = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
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

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
    }
}
