using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Search;

/// <summary>
/// A service on the demo bundle as it was at format version 2: it searches as before and answers explain with 409. It
/// also requires the API key for searches, which explain then requires too.
/// </summary>
public sealed class ExplainWithoutExplanationOutputsTests : IAsyncLifetime
{
    readonly TempDirectory bundle = new();
    SgrafServiceFactory factory = null!;
    HttpClient client = null!;

    public async Task InitializeAsync()
    {
        factory = new SgrafServiceFactory(new Dictionary<string, string?>
        {
            ["Sgraf:BundleDirectory"] = Format2Bundle.CopyTo(bundle.Path),
            ["Sgraf:RequireApiKeyForSearch"] = "true",
        });
        client = await factory.CreateReadyClientAsync();
        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("a", 1), ("b", 2)))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        bundle.Dispose();
    }

    [Fact]
    public async Task Explain_is_409_saying_to_export_the_bundle_again_while_search_works()
    {
        using var search = await client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red star" } });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        using var response = await client.PostAsJsonAsync("/search/explain", new { caption = new { text = "a red star" }, image = new { id = "a" } });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("format version 2", problem["detail"]!.GetValue<string>());
        Assert.Contains("sgraf export-onnx", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_ids_are_still_404_first()
    {
        using var response = await client.PostAsJsonAsync("/search/explain", new { caption = new { text = "a red star" }, image = new { id = "zzz" } });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Explain_needs_the_api_key_when_searches_do()
    {
        using var anonymous = factory.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/search/explain", new { caption = new { text = "a red star" }, image = new { id = "a" } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
