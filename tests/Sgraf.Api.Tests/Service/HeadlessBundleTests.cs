using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sgraf.Api.Search;
using Sgraf.Inference.Runtime;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Service;

/// <summary>
/// A service whose bundle has no shortlist head: the demo bundle's files copied into a temp folder without the two head
/// graphs, under a format-1 manifest with no shortlist block, as bundles were before heads existed.
/// </summary>
public sealed class HeadlessBundleTests : IAsyncLifetime
{
    readonly TempDirectory bundle = new();
    SgrafServiceFactory factory = null!;
    HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(SgrafServiceFactory.BundlePath, BundleManifest.FileName)))!.AsObject();
        manifest["format_version"] = 1;
        manifest.Remove("shortlist");
        var files = manifest["files"]!.AsObject();
        files.Remove(BundleManifest.ShortlistImageFile);
        files.Remove(BundleManifest.ShortlistTextFile);
        foreach (var (name, _) in files) File.Copy(Path.Combine(SgrafServiceFactory.BundlePath, name), bundle.File(name));
        File.WriteAllText(bundle.File(BundleManifest.FileName), manifest.ToJsonString());

        // Even a tiny search would shortlist under mode auto, if there were a head.
        factory = new SgrafServiceFactory(new Dictionary<string, string?> { ["Sgraf:BundleDirectory"] = bundle.Path, ["Sgraf:Search:ShortlistAbove"] = "0" });
        client = await factory.CreateReadyClientAsync();
        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("a", 1), ("b", 2)))).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/captions", TestGallery.CaptionBody(("c", "a red star"), ("d", "two blue squares")))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        bundle.Dispose();
    }

    [Theory]
    [InlineData("/search/text-to-image", "a red star")]
    [InlineData("/search/image-to-text", "a")]
    public async Task Mode_shortlist_is_refused_with_how_to_add_a_head(string path, string query)
    {
        object[] queries = path.EndsWith("image") ? [query] : [new { id = query }];
        using var response = await client.PostAsJsonAsync(path, new { queries, mode = "shortlist" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var message = string.Join(" ", JsonNode.Parse(text)!["errors"]!["mode"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Contains("no shortlist head", message);
        Assert.Contains("sgraf train-shortlist", message);
        Assert.Contains("sgraf add-shortlist", message);
    }

    [Fact]
    public async Task Mode_auto_scores_every_item_and_readiness_says_there_is_no_head()
    {
        using var search = await client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red star" }, shortlist = 1 });
        var response = (await search.Content.ReadFromJsonAsync<SearchResponse>())!;
        Assert.Equal(("exact", (int?)null, 2), (response.Mode, response.Shortlist, response.Results[0].Reranked));

        var ready = await client.GetFromJsonAsync<JsonObject>("/health/ready");
        Assert.False(ready!["shortlistHead"]!.GetValue<bool>());
        Assert.Null(ready["shortlistDim"]);
    }
}
