using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sgraf.Inference.Data;

namespace Sgraf.Api.Tests.Service;

/// <summary>POST /images/import: binary frames give the same gallery as JSON adds; a bad frame is named and its batch is not added.</summary>
public sealed class ImageImportTests : IAsyncLifetime
{
    // Scores of images encoded in batches of the same shape agree to the last bit; this allows for less.
    const double ScoreTolerance = 2e-6;

    readonly SgrafServiceFactory factory = new(new Dictionary<string, string?> { ["Sgraf:Limits:MaxMetadataBytes"] = "100" });
    HttpClient client = null!;

    public async Task InitializeAsync() => client = await factory.CreateReadyClientAsync();

    public async Task DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    /// <summary>A frame of an image with <see cref="TestGallery.Features"/> of <paramref name="seed"/> and metadata {"seed": seed}.</summary>
    public static byte[] Frame(string id, int seed, string? metadata = null, Action<float[]>? change = null)
    {
        var features = TestGallery.Features(seed);
        change?.Invoke(features);
        var json = Encoding.UTF8.GetBytes(metadata ?? $$"""{"seed":{{seed}}}""");
        var frame = new byte[ImageFrame.Size(Encoding.UTF8.GetByteCount(id), json.Length, TestGallery.ImgDim)];
        ImageFrame.Write(frame, id, json, features);
        return frame;
    }

    static ByteArrayContent Body(IEnumerable<byte[]> frames, string contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent([.. frames.SelectMany(f => f)]);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        if (expected != HttpStatusCode.OK) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    async Task<string[]> ImageIds() =>
        [.. (await Json(await client.GetAsync("/images?limit=1000"), HttpStatusCode.OK))["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

    [Fact]
    public async Task Imported_frames_give_the_same_images_as_a_json_add()
    {
        var images = Enumerable.Range(0, 6).Select(i => ($"img-{i}", 100 + i)).ToArray();
        await using var jsonService = new SgrafServiceFactory();
        using var jsonClient = await jsonService.CreateReadyClientAsync();
        await Json(await jsonClient.PostAsJsonAsync("/images", TestGallery.ImageBody(images)), HttpStatusCode.OK);

        var imported = await Json(await client.PostAsync("/images/import", Body(images.Select(i => Frame(i.Item1, i.Item2)))), HttpStatusCode.OK);
        Assert.Equal(6, imported["added"]!.GetValue<int>());
        Assert.Equal(0, imported["replaced"]!.GetValue<int>());

        Assert.Equal(
            (await Json(await jsonClient.GetAsync("/images"), HttpStatusCode.OK)).ToJsonString(),
            (await Json(await client.GetAsync("/images"), HttpStatusCode.OK)).ToJsonString());
        var search = new { queries = new[] { TestGallery.Captions[0], TestGallery.Captions[4] }, k = 6, mode = "exact" };
        var expected = await Json(await jsonClient.PostAsJsonAsync("/search/text-to-image", search), HttpStatusCode.OK);
        var actual = await Json(await client.PostAsJsonAsync("/search/text-to-image", search), HttpStatusCode.OK);
        for (int q = 0; q < 2; q++)
        {
            var (want, got) = (expected["results"]![q]!["hits"]!.AsArray(), actual["results"]![q]!["hits"]!.AsArray());
            Assert.Equal(want.Select(h => h!["id"]!.GetValue<string>()), got.Select(h => h!["id"]!.GetValue<string>()));
            Assert.Equal(want.Select(h => h!["metadata"]!.ToJsonString()), got.Select(h => h!["metadata"]!.ToJsonString()));
            Assert.All(want.Zip(got), p => Assert.Equal(p.First!["score"]!.GetValue<double>(), p.Second!["score"]!.GetValue<double>(), ScoreTolerance));
        }
    }

    [Fact]
    public async Task Frames_without_metadata_and_with_known_ids_are_added_and_replaced()
    {
        await Json(await client.PostAsJsonAsync("/images", TestGallery.ImageBody(("old", 1))), HttpStatusCode.OK);
        var answer = await Json(await client.PostAsync("/images/import", Body([Frame("old", 2, metadata: ""), Frame("new", 3)])), HttpStatusCode.OK);
        Assert.Equal(1, answer["added"]!.GetValue<int>());
        Assert.Equal(1, answer["replaced"]!.GetValue<int>());
        Assert.Null((await Json(await client.GetAsync("/images/old"), HttpStatusCode.OK))["metadata"]);
        Assert.Equal(3, (await Json(await client.GetAsync("/images/new"), HttpStatusCode.OK))["metadata"]!["seed"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bad_frame_gets_400_naming_it_and_only_the_batches_before_its_batch_stay()
    {
        // Batches of 64: frames 0–63 and 64–127 are added, frame 130 is bad, so 128–149 are not.
        var frames = Enumerable.Range(0, 150).Select(i => i == 130 ? Frame($"f{i}", i, change: f => f[100] = float.NaN) : Frame($"f{i}", i)).ToArray();
        var problem = await Json(await client.PostAsync("/images/import", Body(frames)), HttpStatusCode.BadRequest);

        long offset = frames.Take(130).Sum(f => (long)f.Length);
        Assert.Equal(130, problem["frame"]!.GetValue<int>());
        Assert.Equal(offset, problem["offset"]!.GetValue<long>());
        Assert.Equal(128, problem["imported"]!.GetValue<int>());
        var message = Assert.Single(problem["errors"]!["frames[130].regions[0][100]"]!.AsArray())!.GetValue<string>();
        Assert.Contains("NaN", message);
        Assert.Contains($"byte {offset}", message);
        Assert.Contains("128 images", problem["detail"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(0, 128).Select(i => $"f{i}").Order(StringComparer.Ordinal), await ImageIds());
    }

    public static TheoryData<string, byte[], string, string> BadFrames()
    {
        var good = Frame("good", 1);
        byte[] With(byte[] frame, int at, params byte[] bytes)
        {
            var copy = frame.ToArray();
            bytes.CopyTo(copy, at);
            return copy;
        }
        return new()
        {
            // what, the second frame (after a good one), the error's path, words its message holds
            { "bad magic", With(Frame("x", 2), 0, (byte)'J'), "frames[1]", "4A474946" },
            { "truncated in the features", Frame("x", 2)[..5000], "frames[1]", "short of the end of its features" },
            { "truncated in the magic", "SG"u8.ToArray(), "frames[1]", "2 byte(s) into a frame" },
            { "id length 0", With(Frame("x", 2), 4, 0, 0, 0, 0), "frames[1].id", "length of 0 bytes" },
            { "id length too large", With(Frame("x", 2), 4, 0, 0, 1, 0), "frames[1].id", "length of 65536 bytes" },
            { "id with a control character", Frame("x\u0001", 2), "frames[1].id", "control character U+0001" },
            { "id with a bidi override", Frame("x\u202Ey", 2), "frames[1].id", "U+202E at index 1" },
            { "id with a slash", Frame("x/y", 2), "frames[1].id", "'/' (U+002F)" },
            { "id not in NFC", Frame("\u212B", 2), "frames[1].id", "U+212B at index 0 is U+00C5 in NFC" },
            { "id not UTF-8", With(Frame("xy", 2), 8, 0xC3, 0x28), "frames[1].id", "UTF-8" },
            { "id repeated", Frame("good", 2), "frames[1].id", "frames[0]" },
            { "metadata not JSON", Frame("x", 2, metadata: "{seed"), "frames[1].metadata", "not JSON" },
            { "metadata an array", Frame("x", 2, metadata: "[1,2]"), "frames[1].metadata", "must be an object" },
            { "metadata repeats a member", Frame("x", 2, metadata: """{"a":{"b":1,"b":2}}"""), "frames[1].metadata.a.b", "'b' twice" },
            { "metadata too long", Frame("x", 2, metadata: $$"""{"t":"{{new string('a', 200)}}"}"""), "frames[1].metadata", "Sgraf:Limits:MaxMetadataBytes" },
            { "infinite feature", Frame("x", 2, change: f => f[2048 * 3 + 7] = float.PositiveInfinity), "frames[1].regions[3][7]", "finite" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task A_malformed_frame_gets_400_naming_it_and_changes_nothing(string what, byte[] bad, string path, string words)
    {
        var problem = await Json(await client.PostAsync("/images/import", Body([Frame("good", 1), bad])), HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(path), $"{what}: no error at {path}: {problem.ToJsonString()}");
        var message = string.Join(" ", errors[path]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Contains(words, message);
        Assert.Contains($"starts at byte {Frame("good", 1).Length} ", message);
        Assert.Equal(1, problem["frame"]!.GetValue<int>());
        Assert.Equal(0, problem["imported"]!.GetValue<int>());
        Assert.Empty(await ImageIds());
    }

    [Fact]
    public async Task An_empty_body_gets_400()
    {
        var problem = await Json(await client.PostAsync("/images/import", Body([])), HttpStatusCode.BadRequest);
        Assert.Contains("no frames", problem["errors"]!["frames"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_import_needs_a_key_and_an_octet_stream_body()
    {
        using var anonymous = factory.CreateClient();
        var missing = await Json(await anonymous.PostAsync("/images/import", Body([Frame("k", 1)])), HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", missing["detail"]!.GetValue<string>());

        var json = await Json(await client.PostAsync("/images/import", Body([Frame("k", 1)], "application/json")), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/octet-stream", json["detail"]!.GetValue<string>());
        Assert.Empty(await ImageIds());
    }
}
