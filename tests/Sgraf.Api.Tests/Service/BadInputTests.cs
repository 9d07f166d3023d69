using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Sgraf.Api.Tests.Service;

/// <summary>Every bad input gets 400 problem+json naming what is wrong and where, and changes nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    readonly SgrafServiceFactory factory = new(new Dictionary<string, string?>
    {
        ["Sgraf:Limits:MaxTextLength"] = "50",
        ["Sgraf:Limits:MaxK"] = "20",
        ["Sgraf:Limits:MaxItemsPerRequest"] = "3",
        ["Sgraf:Search:DefaultShortlist"] = "50",
        ["Sgraf:Search:MaxShortlist"] = "100",
    });
    HttpClient client = null!;

    public async Task InitializeAsync()
    {
        client = await factory.CreateReadyClientAsync();
        (await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("known", 1)))).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/captions", TestGallery.CaptionBody(("known-caption", "a red star")))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    static string Features(Func<float[], float[]> change) => TestGallery.Base64(change(TestGallery.Features(3)));

    public static TheoryData<string, string, string, string> BadRequests()
    {
        var good = TestGallery.Nested(TestGallery.Features(2));
        var oneRegionShort = good[..35];
        var shortRegion = good.Select((r, i) => i == 7 ? r[..1024] : r).ToArray();
        string Json(object o) => System.Text.Json.JsonSerializer.Serialize(o);
        return new()
        {
            // path, body, JSON path the error names, words the message must hold
            { "/images", Json(new { images = new[] { new { id = "new", regions = oneRegionShort } } }), "images[0].regions", "35 regions" },
            { "/images", Json(new { images = new[] { new { id = "new", regions = shortRegion } } }), "images[0].regions[7]", "img_dim = 2048" },
            { "/images", Json(new { images = new[] { new { id = "new", regionsBase64 = Features(f => { f[5000] = float.NaN; return f; }) } } }), "images[0].regionsBase64[2][904]", "NaN" },
            { "/images", Json(new { images = new[] { new { id = "new", regionsBase64 = Features(f => { f[10] = float.PositiveInfinity; return f; }) } } }), "images[0].regionsBase64[0][10]", "finite" },
            { "/images", Json(new { images = new[] { new { id = "new", regionsBase64 = "bm90IGZsb2F0cw==" } } }), "images[0].regionsBase64", "bytes" },
            { "/images", Json(new { images = new[] { new { id = "new", regionsBase64 = "!!!" } } }), "images[0].regionsBase64", "base64" },
            { "/images", Json(new { images = new[] { new { id = "new" } } }), "images[0]", "exactly one" },
            { "/images", Json(new { images = new[] { new { id = "", regions = good } } }), "images[0].id", "required" },
            { "/images", Json(new { images = new[] { new { id = "dup", regions = good }, new { id = "dup", regions = good } } }), "images", "'dup'" },
            { "/images", Json(new { images = Enumerable.Range(0, 4).Select(i => new { id = $"n{i}", regions = good }) }), "images", "at most 3" },
            { "/images", Json(new { images = Array.Empty<object>() }), "images", "at least one" },
            { "/images", "{}", "images", "required" },
            { "/captions", Json(new { captions = new[] { new { id = "new", text = "   " } } }), "captions[0].text", "empty" },
            { "/captions", Json(new { captions = new[] { new { id = "new", text = new string('a', 51) } } }), "captions[0].text", "at most 50" },
            { "/captions", Json(new { captions = new[] { new { id = "new\u0001", text = "a star" } } }), "captions[0].id", "control character U+0001" },
            // Ids that a path cannot name, or that look like another id (ItemIds): each message names the character.
            { "/captions", Json(new { captions = new[] { new { id = "a/b", text = "a star" } } }), "captions[0].id", "'/' (U+002F) at index 1" },
            { "/captions", Json(new { captions = new[] { new { id = "..\\etc", text = "a star" } } }), "captions[0].id", "'\\' (U+005C) at index 2" },
            { "/captions", Json(new { captions = new[] { new { id = "zero\u200Bwidth", text = "a star" } } }), "captions[0].id", "U+200B at index 4" },
            { "/images", Json(new { images = new[] { new { id = "photo-\u202Egpj", regions = good } } }), "images[0].id", "U+202E at index 6" },
            { "/captions", Json(new { captions = new[] { new { id = "cafe\u0301", text = "a star" } } }), "captions[0].id", "U+0065 U+0301 at index 3 is U+00E9 in NFC" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, k = 0 }), "k", "from 1 to 20" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, k = 21 }), "k", "from 1 to 20" },
            { "/search/text-to-image", Json(new { queries = new[] { "" } }), "queries[0]", "empty" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, model = "vse" }), "model", "sgr, saf, sgraf" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, candidateIds = new[] { "known", "ghost" } }), "candidateIds", "'ghost'" },
            { "/search/image-to-text", Json(new { queries = new[] { new { id = "ghost" } } }), "queries[0].id", "'ghost'" },
            { "/search/image-to-text", Json(new { queries = new[] { new { id = "known" } }, candidateIds = new[] { "nope" } }), "candidateIds", "'nope'" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, mode = "fast" }), "mode", "exact, shortlist or auto" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, shortlist = 0 }), "shortlist", "from 1 to 100" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, mode = "shortlist", shortlist = 101 }), "shortlist", "from 1 to 100" },
            { "/search/text-to-image", Json(new { queries = new[] { "a star" }, mode = "exact", shortlist = 10 }), "shortlist", "mode exact" },
            { "/search/image-to-text", Json(new { queries = new[] { new { id = "known" } }, mode = "" }), "mode", "exact, shortlist or auto" },
            { "/search/image-to-text", Json(new { queries = new[] { new { id = "known" } }, mode = "auto", shortlist = -3 }), "shortlist", "from 1 to 100" },
            { "/search/image-to-text", Json(new { queries = new[] { new { id = "known" } }, mode = "exact", shortlist = 5 }), "shortlist", "mode exact" },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_400_naming_the_problem_and_changes_nothing(string path, string body, string errorPath, string words)
    {
        var before = await Gallery();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(errorPath), $"no error at {errorPath}: {text}");
        Assert.Contains(words, string.Join(" ", errors[errorPath]!.AsArray().Select(e => e!.GetValue<string>())));
        Assert.Equal(before, await Gallery());
    }

    [Theory]
    [InlineData("/images", "{\"images\": [ {\"id\": \"x\", ")]
    [InlineData("/search/text-to-image", "{\"queries\": [\"a star\",]}")]
    public async Task Malformed_json_gets_400_with_the_readers_position_and_changes_nothing(string path, string body)
    {
        var before = await Gallery();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonNode.Parse(text)!["detail"]!.GetValue<string>();
        Assert.Contains("Malformed JSON", detail);
        Assert.Matches(@"\(line 1, byte \d+\)", detail);
        Assert.DoesNotContain("Path: $", detail);
        Assert.DoesNotContain("LineNumber", detail);
        Assert.Equal(before, await Gallery());
    }

    /// <summary>
    /// JSON of the wrong kind (a string for a list, a string for a number: numbers are numbers, "3" is not 3) names the
    /// place and says what the JSON should look like, never the .NET type it could not make.
    /// </summary>
    [Theory]
    [InlineData("/search/text-to-image", "{\"queries\": \"a red circle\"}", "queries", "must be an array of strings")]
    [InlineData("/search/text-to-image", "{\"queries\": [\"a star\"], \"k\": \"3\"}", "k", "must be a whole number from -2147483648 to 2147483647")]
    [InlineData("/search/text-to-image", "{\"queries\": [\"a star\"], \"k\": 1e40}", "k", "must be a whole number")]
    [InlineData("/search/image-to-text", "{\"queries\": [\"known\"]}", "queries[0]", "must be an object with members id, regions, regionsBase64")]
    [InlineData("/captions", "{\"captions\": [ {\"id\": 5, \"text\": \"a star\"} ]}", "captions[0].id", "must be a string")]
    [InlineData("/captions", "[{\"id\": \"new\", \"text\": \"a star\"}]", "$", "must be an object with members captions")]
    public async Task Json_of_the_wrong_kind_gets_400_saying_what_it_should_be_without_type_names(string path, string body, string key, string words)
    {
        var before = await Gallery();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(key), $"no error at {key}: {text}");
        Assert.Contains(words, errors[key]![0]!.GetValue<string>());
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain("Sgraf.", text);
        Assert.Equal(before, await Gallery());
    }

    [Theory]
    [InlineData("", "The body is empty")]
    [InlineData("null", "The body is empty")]
    public async Task An_empty_body_says_what_the_endpoint_reads(string body, string words)
    {
        using var response = await client.PostAsync("/captions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var detail = JsonNode.Parse(text)!["detail"]!.GetValue<string>();
        Assert.Contains(words, detail);
        Assert.Contains("POST /captions reads an object with members captions", detail);
        Assert.DoesNotContain("Implicit body", text);
        Assert.DoesNotContain("parameter", text);
    }

    [Fact]
    public async Task A_body_of_the_wrong_content_type_gets_415_naming_the_type_sent_and_the_type_expected()
    {
        using var response = await client.PostAsync("/captions", new StringContent("""{"captions":[]}""", Encoding.UTF8, "text/plain"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonNode.Parse(text)!["detail"]!.GetValue<string>();
        Assert.StartsWith("POST /captions reads application/json", detail);
        Assert.Contains("Content-Type is text/plain", detail);
        Assert.Contains("Send the body with Content-Type: application/json", detail);
    }

    [Fact]
    public async Task A_query_value_that_does_not_parse_names_the_parameter_and_what_it_must_be()
    {
        using var response = await client.GetAsync("/images?limit=abc");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Contains("must be a whole number", text);
        Assert.DoesNotContain("System.", text);
    }

    async Task<string> Gallery() =>
        await client.GetStringAsync("/images") + await client.GetStringAsync("/captions");
}
