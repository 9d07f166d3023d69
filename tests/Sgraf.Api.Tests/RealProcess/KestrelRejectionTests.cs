using System.Text;
using System.Text.Json.Nodes;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.RealProcess;

/// <summary>The real service, started once for these tests: what a malformed request gets over a real connection.</summary>
public sealed class RunningServiceFixture : IAsyncLifetime
{
    readonly TempDirectory data = new();

    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = ServiceProcess.Start(data.Path);
        await Service.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync()
    {
        Service.Dispose();
        data.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Kestrel rejects a request it cannot parse before any middleware runs, with a bare status, an empty body and
/// <c>Connection: close</c>; no ASP.NET Core hook can give those a body (aspnet/KestrelHttpServer#2947), so they are
/// the one kind of error that is not problem+json (docs/deployment.md, "Errors"). These tests pin that, and that what
/// does reach the service, including a body Kestrel cannot read, is problem+json over a real connection too.
/// </summary>
public sealed class KestrelRejectionTests(RunningServiceFixture fixture) : IClassFixture<RunningServiceFixture>
{
    public static TheoryData<string, byte[], int> KestrelRejections() => new()
    {
        { "a target longer than MaxRequestLineSize (8 KiB)", RawHttp.Request($"GET /images/{new string('a', 9000)} HTTP/1.1"), 414 },
        { "a NUL byte in the target", RawHttp.Request("GET /images/a\0b HTTP/1.1"), 400 },
        { "a NUL percent-encoded in the target", RawHttp.Request("GET /images/a%00b HTTP/1.1"), 400 },
        { "no request line", Encoding.ASCII.GetBytes("NOT HTTP AT ALL\r\n\r\n"), 400 },
        { "headers over MaxRequestHeadersTotalSize (32 KiB)", RawHttp.Request("GET /health/live HTTP/1.1", $"X-Big: {new string('a', 40_000)}"), 431 },
        { "an HTTP version Kestrel does not speak", RawHttp.Request("GET /health/live HTTP/7.0"), 505 },
    };

    [Theory]
    [MemberData(nameof(KestrelRejections))]
    public async Task Kestrel_rejects_a_request_it_cannot_parse_itself_with_an_empty_body(string what, byte[] request, int status)
    {
        var answer = await RawHttp.SendAsync(fixture.Service.Url, request);
        Assert.True(status == answer.Status, $"{what}: {answer.Status}");
        Assert.Equal("0", answer.Headers["Content-Length"]);
        Assert.False(answer.Headers.ContainsKey("Content-Type"), what);
        // The service's own header is added by middleware: its absence shows the request never reached it.
        Assert.False(answer.Headers.ContainsKey("X-Sgraf-Instance"), what);
    }

    [Theory]
    [InlineData("GET /nothing/here HTTP/1.1", "", 404, "No endpoint answers GET /nothing/here")]
    [InlineData("PUT /search/text-to-image HTTP/1.1", "Content-Length: 0\r\n", 405, "it answers POST")]
    // The first chunk's size is not hexadecimal: Kestrel fails the body's read, and the service answers.
    [InlineData("POST /search/text-to-image HTTP/1.1", "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n", 400, "malformed chunked encoding")]
    public async Task What_reaches_the_service_is_answered_with_problem_json(string requestLine, string rest, int status, string words)
    {
        var request = Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: localhost\r\nConnection: close\r\n{rest}{(rest.Contains("\r\n\r\n") ? "" : "\r\n")}");
        var answer = await RawHttp.SendAsync(fixture.Service.Url, request);
        Assert.True(status == answer.Status, $"{answer.Status}: {answer.Body}");
        Assert.StartsWith("application/problem+json", answer.Headers["Content-Type"]);
        var problem = JsonNode.Parse(answer.Body)!;
        Assert.Contains(words, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }
}
