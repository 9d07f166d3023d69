using System.Net;
using System.Text;

namespace Sgraf.LoadTest.Tests;

/// <summary>What a stand-in service answers one request: status, JSON body and extra headers.</summary>
internal sealed record LoopbackReply(int Status, string Body, params (string Name, string Value)[] Headers);

/// <summary>
/// A real HTTP server on a free loopback port that answers each request with <c>respond</c>: what the load tool's
/// stand-in services (search, compare, import) share, so the tool is tested over real sockets without a real Sgraf.
/// Bodies other than 200s go out as problem+json, as the service writes its errors.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    readonly HttpListener listener = new();
    readonly Func<HttpListenerRequest, LoopbackReply> respond;
    readonly Task serving;

    public LoopbackHttpServer(Func<HttpListenerRequest, LoopbackReply> respond)
    {
        this.respond = respond;
        Url = $"http://127.0.0.1:{LoopbackPorts.Free()}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        serving = Task.Run(Serve);
    }

    public string Url { get; }

    /// <summary>The request's body as text (read once).</summary>
    public static string BodyOf(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return reader.ReadToEnd();
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
        var reply = respond(context.Request);
        var bytes = Encoding.UTF8.GetBytes(reply.Body);
        foreach (var (name, value) in reply.Headers) context.Response.AddHeader(name, value);
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = reply.Status == 200 ? "application/json" : "application/problem+json";
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        serving.Wait(TimeSpan.FromSeconds(5));
    }
}
