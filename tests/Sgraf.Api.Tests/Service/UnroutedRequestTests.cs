using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Sgraf.Api.Tests.Service;

/// <summary>Requests no endpoint takes (unknown path, wrong method, a query value that does not bind) get problem+json saying why.</summary>
public sealed class UnroutedRequestTests : IAsyncLifetime
{
    readonly SgrafServiceFactory factory = new();
    HttpClient client = null!;

    public async Task InitializeAsync() => client = await factory.CreateReadyClientAsync();

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/nothing/here", HttpStatusCode.NotFound, "No endpoint answers GET /nothing/here")]
    [InlineData("POST", "/search/text-to-images", HttpStatusCode.NotFound, "No endpoint answers POST /search/text-to-images")]
    [InlineData("PUT", "/search/text-to-image", HttpStatusCode.MethodNotAllowed, "/search/text-to-image does not answer PUT; it answers POST")]
    [InlineData("GET", "/images?offset=ten", HttpStatusCode.BadRequest, "offset is 'ten'")]
    public async Task An_unrouted_request_gets_problem_json_saying_what_was_asked(string method, string path, HttpStatusCode status, string words)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Contains(words, problem["detail"]!.GetValue<string>());
    }

    /// <summary>The favicon browsers ask for on every page load was a 404; the page's own modules are served with their type.</summary>
    [Theory]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/unknown-words.js", "text/javascript")]
    public async Task The_pages_files_are_served_with_their_types(string path, string type)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_endpoints_own_problems_keep_their_words()
    {
        using var missing = await client.GetAsync("/images/ghost");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("The gallery has no image with id 'ghost'.", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());

        using var badPage = await client.GetAsync("/images?offset=-1");
        var problem = JsonNode.Parse(await badPage.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Contains("0 or more", problem["errors"]!["offset"]![0]!.GetValue<string>());
        Assert.Null(problem["detail"]);
    }

    [Fact]
    public async Task A_client_that_accepts_no_json_gets_the_detail_as_text()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nothing/here");
        request.Headers.Accept.ParseAdd("text/plain");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("No endpoint answers GET /nothing/here. The endpoints are listed at /swagger.", await response.Content.ReadAsStringAsync());
    }
}
