using System.Net;
using System.Net.Http.Json;
using Sgraf.Api.Tests.Service;

namespace Sgraf.Api.Tests.Security;

/// <summary>
/// Every kind of response carries the security headers (issue 17, item 7): the page, its static files, Swagger UI,
/// JSON, and problem details, those the exception handler writes included (it clears headers set before it).
/// </summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    readonly SgrafServiceFactory factory = new();
    HttpClient client = null!;

    public async Task InitializeAsync() => client = await factory.CreateReadyClientAsync();

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    public static TheoryData<string, string, HttpStatusCode, string> Responses() => new()
    {
        // method, path, status, content type
        { "GET", "/", HttpStatusCode.OK, "text/html" },
        { "GET", "/page.js", HttpStatusCode.OK, "text/javascript" },
        { "GET", "/search.css", HttpStatusCode.OK, "text/css" },
        { "GET", "/swagger/index.html", HttpStatusCode.OK, "text/html" },
        { "GET", "/swagger/v1/swagger.json", HttpStatusCode.OK, "application/json" },
        { "GET", "/health/ready", HttpStatusCode.OK, "application/json" },
        { "GET", "/images?limit=1", HttpStatusCode.OK, "application/json" },
        { "GET", "/metrics", HttpStatusCode.OK, "text/plain" },
        { "GET", "/nothing/here", HttpStatusCode.NotFound, "application/problem+json" },
        { "GET", "/images/ghost", HttpStatusCode.NotFound, "application/problem+json" },
        { "GET", "/images?offset=-1", HttpStatusCode.BadRequest, "application/problem+json" },
        // Thrown (RequestValidationException) and answered by the exception handler.
        { "POST", "/search/text-to-image", HttpStatusCode.BadRequest, "application/problem+json" },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task The_response_carries_the_csp_and_the_other_security_headers(string method, string path, HttpStatusCode status, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { queries = new[] { "a star" }, k = 0 });
        using var response = await client.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);

        var csp = Header(response, "Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries).ToHashSet();
        Assert.Contains("script-src 'self'", csp);
        // Swagger UI adds a style element of its own; scripts stay the service's files everywhere.
        Assert.Contains(path.StartsWith("/swagger", StringComparison.Ordinal) ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("img-src 'self' http: https: data:", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Matches("^[0-9a-f]{8}$", Header(response, "X-Sgraf-Instance"));
    }

    [Fact]
    public async Task The_instance_id_is_opaque_and_stable_for_the_process()
    {
        using var first = await client.GetAsync("/health/live");
        using var second = await client.GetAsync("/health/ready");
        string instance = Header(first, "X-Sgraf-Instance");
        Assert.Equal(instance, Header(second, "X-Sgraf-Instance"));
        Assert.DoesNotContain(Environment.MachineName, instance, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Environment.ProcessId.ToString(), instance);
    }

    static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} is missing from {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
}
