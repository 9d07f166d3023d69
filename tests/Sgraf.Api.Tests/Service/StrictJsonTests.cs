using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Sgraf.Api.Tests.Service;

/// <summary>
/// Request bodies are read strictly: a member the contract lacks, or a member given twice, at any depth, gets 400
/// problem+json naming the member and its JSON path, and changes nothing. Before, "candidates" for "candidateIds"
/// searched the whole gallery and "topk" was ignored.
/// </summary>
public sealed class StrictJsonTests : IAsyncLifetime
{
    readonly SgrafServiceFactory factory = new();
    HttpClient client = null!;

    public async Task InitializeAsync()
    {
        client = await factory.CreateReadyClientAsync();
        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("known", 1), ("other", 2)))).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/captions", TestGallery.CaptionBody(("known-caption", "a red star")))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    static readonly string Regions = TestGallery.Base64(TestGallery.Features(3));

    public static TheoryData<string, string, string, string, string> BadMembers() => new()
    {
        // endpoint, body, the error's key, the JSON path the detail names, words the error's message holds
        { "/search/text-to-image", """{"queries":["a red star"],"candidates":["known"]}""", "candidates", "$.candidates", "candidateIds" },
        { "/search/text-to-image", """{"queries":["a red star"],"topk":3}""", "topk", "$.topk", "queries, k, model, candidateIds, mode, shortlist" },
        { "/search/text-to-image", """{"queries":["a red star"],"top k":3}""", "['top k']", "$['top k']", "not a member of the request" },
        { "/search/text-to-image", """{"queries":["a"],"queries":["b"]}""", "queries", "$.queries", "more than once" },
        { "/search/text-to-image", """{"queries":["a"],"k":3,"K":4}""", "K", "$.K", "ignoring case" },
        { "/search/image-to-text", """{"queries":[{"id":"known","regoins":[[1]]}]}""", "queries[0].regoins", "$.queries[0].regoins", "members are id, regions, regionsBase64" },
        { "/search/image-to-text", """{"queries":[{"id":"known"},{"id":"other","id":"known"}]}""", "queries[1].id", "$.queries[1].id", "more than once" },
        { "/images", $$$"""{"images":[{"id":"new","regionsBase64":"{{{Regions}}}","meta":{"a":1}}]}""", "images[0].meta", "$.images[0].meta", "id, regions, regionsBase64, metadata" },
        { "/images", $$$"""{"images":[{"id":"new","regionsBase64":"{{{Regions}}}"}],"replace":true}""", "replace", "$.replace", "members are images" },
        { "/images", $$$$"""{"images":[{"id":"new","regionsBase64":"{{{{Regions}}}}","metadata":{"a":{"b":1,"b":2}}}]}""", "images[0].metadata.a.b", "$.images[0].metadata.a.b", "twice" },
        { "/images", $$$"""{"images":[{"id":"new","regionsBase64":"{{{Regions}}}","id":"known"}]}""", "images[0].id", "$.images[0].id", "more than once" },
        { "/captions", """{"captions":[{"id":"new","text":"a star","txt":"a moon"}]}""", "captions[0].txt", "$.captions[0].txt", "id, text, metadata" },
        { "/captions", """{"captions":[{"id":"new","text":"a star","text":"a moon"}]}""", "captions[0].text", "$.captions[0].text", "more than once" },
        { "/captions", """{"captions":[{"id":"new","text":"a star","metadata":{"a.b":1,"a.b":2}}]}""", "captions[0].metadata['a.b']", "$.captions[0].metadata['a.b']", "twice" },
    };

    [Theory]
    [MemberData(nameof(BadMembers))]
    public async Task An_unknown_or_repeated_member_gets_400_naming_it_and_its_path_and_changes_nothing(
        string endpoint, string body, string key, string path, string words)
    {
        var before = await Gallery();
        using var response = await client.PostAsync(endpoint, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Contains($" at {path} ", problem["detail"]!.GetValue<string>());
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(key), $"no error at {key}: {text}");
        Assert.Contains(words, string.Join(" ", errors[key]!.AsArray().Select(e => e!.GetValue<string>())));
        // The .NET type names in System.Text.Json's own message are not the client's business.
        Assert.DoesNotContain("Sgraf.", text);
        Assert.Equal(before, await Gallery());
    }

    [Fact]
    public async Task A_misspelled_candidate_list_no_longer_searches_the_whole_gallery()
    {
        var answer = await client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red star" }, candidateIds = new[] { "known" } });
        var hits = (await answer.Content.ReadFromJsonAsync<JsonNode>())!["results"]![0]!["hits"]!.AsArray();
        Assert.Equal(["known"], hits.Select(h => h!["id"]!.GetValue<string>()));

        using var misspelled = await client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a red star" }, candidates = new[] { "known" } });
        Assert.Equal(HttpStatusCode.BadRequest, misspelled.StatusCode);
    }

    [Fact]
    public async Task Metadata_stays_free_form_members_differing_in_case_included()
    {
        const string metadata = """{"Title":"upper","title":"lower","nested":{"anything":[1,{"goes":true}]}}""";
        var body = $$$"""{"captions":[{"id":"free","text":"a blue square","metadata":{{{metadata}}}}]}""";
        using var response = await client.PostAsync("/captions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var caption = JsonNode.Parse(await client.GetStringAsync("/captions/free"))!;
        Assert.Equal(metadata, caption["metadata"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/captions/free")).StatusCode);
    }

    [Fact]
    public async Task Members_match_ignoring_case_as_before()
    {
        using var response = await client.PostAsync("/search/text-to-image",
            new StringContent("""{"Queries":["a red star"],"K":1}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Single(JsonNode.Parse(text)!["results"]![0]!["hits"]!.AsArray());
    }

    async Task<string> Gallery() =>
        await client.GetStringAsync("/images") + await client.GetStringAsync("/captions");
}
