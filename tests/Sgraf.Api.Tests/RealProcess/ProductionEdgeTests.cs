using System.Net;
using System.Text.Json.Nodes;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.RealProcess;

/// <summary>
/// The service as deployed (Production, as <see cref="ServiceProcess"/> starts it), as the issue 17 review found it:
/// Swagger UI served to anyone, request data forging lines of the plain-text log. Now Swagger is off unless configured,
/// and logged request data has its control characters escaped, in the plain-text and the JSON log alike.
/// </summary>
public sealed class ProductionEdgeTests
{
    // GET /captions/x\r\n[23:59:59 INF] Sgraf.Api: fake entry, as the review sent it.
    const string ForgingPath = "/captions/x%0D%0A%5B23:59:59%20INF%5D%20Sgraf.Api:%20fake%20entry";

    [Fact]
    public async Task Swagger_is_off_and_request_data_cannot_forge_a_line_of_the_plain_text_log()
    {
        using var data = new TempDirectory();
        using var service = ServiceProcess.Start(data.Path);
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var client = service.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/swagger/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode);
        using (var missing = await client.GetAsync("/nothing/here"))
            Assert.DoesNotContain("/swagger", await missing.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ForgingPath)).StatusCode);
        var lines = await LinesAsync(service, @"x\r\n[23:59:59 INF] Sgraf.Api: fake entry");
        // Process output is split at CR as at LF: a raw CR or LF would have started a line of its own.
        Assert.DoesNotContain(lines, l => l.StartsWith("[23:59:59 INF]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Swagger_is_served_when_configured_and_the_json_log_escapes_request_data_too()
    {
        using var data = new TempDirectory();
        using var service = ServiceProcess.Start(data.Path, new Dictionary<string, string> { ["Sgraf__Swagger"] = "true", ["Sgraf__JsonLogs"] = "true" });
        await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using var client = service.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/index.html")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ForgingPath)).StatusCode);
        // In JSON the escaped \r is a backslash and an r, written as \\r.
        var lines = await LinesAsync(service, @"x\\r\\n[23:59:59 INF] Sgraf.Api: fake entry");
        Assert.DoesNotContain(lines, l => l.StartsWith("[23:59:59 INF]", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.StartsWith('{')), l => JsonNode.Parse(l));
    }

    /// <summary>The service's output lines once one of them holds <paramref name="expected"/> (the logged request).</summary>
    static async Task<string[]> LinesAsync(ServiceProcess service, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!service.Output.Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(service.Output.Contains(expected, StringComparison.Ordinal), $"no log line holds {expected}:\n{service.Output}");
        return service.Output.Split('\n');
    }
}
