using System.Net;
using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.LoadTest.GalleryImport;

namespace Sgraf.LoadTest.Tests.GalleryImport;

/// <summary>The import client's resending of adds the service answers 503 (a sharded service while a shard is busy or recovering).</summary>
public sealed class GalleryImportClientTests
{
    /// <summary>Fresh each time: a JsonObject joins the request body it is put in.</summary>
    static (string, string, JsonObject)[] TwoCaptions => [("c-0", "a red circle", new JsonObject()), ("c-1", "a blue square", new JsonObject())];

    [Fact]
    public async Task An_add_answered_503_is_sent_again_after_retry_after_and_its_second_answer_counts()
    {
        using var service = new ScriptedService(unavailableFirst: 2);
        using var client = new GalleryImportClient(new Uri(service.Url), "some-key-0123");

        var counts = await client.AddCaptionsAsync(TwoCaptions, CancellationToken.None);

        Assert.Equal(new AddCounts(2, 0), counts);
        Assert.Equal(3, service.Bodies.Count);
        Assert.All(service.Bodies, body => Assert.Equal(service.Bodies[0], body));   // the same batch each time
    }

    [Fact]
    public async Task A_service_that_stays_unavailable_fails_the_add_after_the_last_try_with_its_reason()
    {
        using var service = new ScriptedService(unavailableFirst: int.MaxValue);
        using var client = new GalleryImportClient(new Uri(service.Url), "some-key-0123");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => client.AddCaptionsAsync(TwoCaptions, CancellationToken.None));

        Assert.Equal(GalleryImportClient.Tries, service.Bodies.Count);
        Assert.Contains("503 ServiceUnavailable: shard 4 is recovering", error.Message);
    }

    /// <summary>POST /captions answered 503 (Retry-After: 0) the first <c>unavailableFirst</c> times, then 200.</summary>
    sealed class ScriptedService : IDisposable
    {
        readonly LoopbackHttpServer server;
        readonly int unavailableFirst;

        public ScriptedService(int unavailableFirst)
        {
            this.unavailableFirst = unavailableFirst;
            server = new LoopbackHttpServer(Answer);
        }

        public string Url => server.Url;

        public List<string> Bodies { get; } = [];

        LoopbackReply Answer(HttpListenerRequest request)
        {
            lock (Bodies)
            {
                Bodies.Add(LoopbackHttpServer.BodyOf(request));
                return Bodies.Count <= unavailableFirst
                    ? new LoopbackReply(503, """{"title":"Service Unavailable","status":503,"detail":"shard 4 is recovering its data"}""", ("Retry-After", "0"))
                    : new LoopbackReply(200, """{"added":2,"replaced":0,"ids":["c-0","c-1"]}""");
            }
        }

        public void Dispose() => server.Dispose();
    }
}
