using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SkiaSharp;
using Sgraf.Api.Search;
using Sgraf.Inference.Pictures;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Images;

/// <summary>
/// Pictures in and out: JSON and multipart uploads of scikit-image's photos are encoded by the bundle's picture encoder
/// exactly as `extract-features` encodes them (the scores searches return are the model's scores of those features),
/// a bounded JPEG copy is kept and served at GET /images/{id}/picture, and the metadata points at it with its grid boxes.
/// </summary>
public sealed class PictureUploadTests(PictureService service) : IClassFixture<PictureService>
{
    // Encoder calls of different batch sizes, and scoring calls of different shapes, round differently in the last bits.
    const double ScoreTolerance = 2e-6;

    HttpClient Client => service.Client;

    static async Task<JsonObject> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task A_JSON_picture_is_kept_as_a_bounded_copy_that_its_metadata_points_at_with_its_grid_boxes()
    {
        var file = await File.ReadAllBytesAsync(SamplePhotos.Chelsea);
        var added = await Json(await Client.PostAsJsonAsync("/images", new
        {
            images = new[] { new { id = "json cat", picture = Convert.ToBase64String(file), metadata = new { title = "Chelsea" } } },
        }));
        Assert.Equal(1, added["added"]!.GetValue<int>());

        var metadata = (await Json(await Client.GetAsync("/images/json%20cat")))["metadata"]!.AsObject();
        Assert.Equal("Chelsea", metadata["title"]!.GetValue<string>());
        Assert.Equal("/images/json%20cat/picture", metadata["url"]!.GetValue<string>());
        Assert.Equal((451, 300), (metadata["width"]!.GetValue<int>(), metadata["height"]!.GetValue<int>()));
        var boxes = metadata["boxes"]!.AsArray().Select(b => b!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();
        Assert.Equal(36, boxes.Length);
        // Two sevenths of the picture each way (a cell pools 2 × 2 of the 7 × 7 map), to a tenth of a pixel.
        Assert.Equal([0, 0, 128.9, 85.7], boxes[0]);
        Assert.Equal([322.1, 214.3, 451, 300], boxes[35]);

        using var picture = await Client.GetAsync(metadata["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
        Assert.Equal("image/jpeg", picture.Content.Headers.ContentType!.MediaType);
        var stored = await picture.Content.ReadAsByteArrayAsync();
        Assert.Equal((PictureFormat.Jpeg, 451, 300), PictureDecoder.ReadHeader(stored, PictureLimits.Default));
        // The copy is the picture: its pixels are the original's up to JPEG's loss.
        AssertLooksLike(file, stored, 451, 300);

        using var again = new HttpRequestMessage(HttpMethod.Get, metadata["url"]!.GetValue<string>());
        again.Headers.IfNoneMatch.Add(picture.Headers.ETag!);
        using var unchanged = await Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
    }

    [Fact]
    public async Task A_picture_larger_than_the_stored_side_is_kept_at_1024_pixels_on_its_longest_side()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(2400, 1600, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(30, 120, 200));
            using var paint = new SKPaint { Color = new SKColor(240, 200, 20) };
            canvas.DrawCircle(1800, 400, 300, paint);
        }
        var file = bitmap.PeekPixels()!.Encode(new SKJpegEncoderOptions(90, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))!.ToArray();
        await Json(await Client.PostAsJsonAsync("/images", new { images = new[] { new { id = "wide", picture = Convert.ToBase64String(file) } } }));
        var metadata = (await Json(await Client.GetAsync("/images/wide")))["metadata"]!.AsObject();
        Assert.Equal((1024, 683), (metadata["width"]!.GetValue<int>(), metadata["height"]!.GetValue<int>()));
        var stored = await Client.GetByteArrayAsync("/images/wide/picture");
        Assert.Equal((PictureFormat.Jpeg, 1024, 683), PictureDecoder.ReadHeader(stored, PictureLimits.Default));
        AssertLooksLike(file, stored, 1024, 683);
    }

    [Fact]
    public async Task Multipart_uploads_take_ids_from_id_parts_in_order_or_else_from_file_names()
    {
        using var named = new MultipartFormDataContent
        {
            { new StringContent("mp-rocket"), "id" },
            { Part(SamplePhotos.Rocket), "picture", "rocket.jpg" },
            { new StringContent("""{"title":"Rocket"}"""), "metadata" },
            { new StringContent("mp-coffee"), "id" },
            { Part(SamplePhotos.Coffee), "picture", "coffee.png" },
        };
        var added = await Json(await Client.PostAsync("/images", named));
        Assert.Equal(["mp-rocket", "mp-coffee"], added["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        var rocket = (await Json(await Client.GetAsync("/images/mp-rocket")))["metadata"]!.AsObject();
        Assert.Equal(("Rocket", "/images/mp-rocket/picture", 640), (rocket["title"]!.GetValue<string>(), rocket["url"]!.GetValue<string>(), rocket["width"]!.GetValue<int>()));
        Assert.Null((await Json(await Client.GetAsync("/images/mp-coffee")))["metadata"]!["title"]);

        using var unnamed = new MultipartFormDataContent
        {
            { Part(SamplePhotos.Astronaut), "picture", "astronaut.png" },
            { Part(SamplePhotos.HubbleDeepField), "picture", "hubble_deep_field.jpg" },
        };
        added = await Json(await Client.PostAsync("/images", unnamed));
        Assert.Equal(["astronaut", "hubble_deep_field"], added["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal((PictureFormat.Jpeg, 1000, 872), PictureDecoder.ReadHeader(await Client.GetByteArrayAsync("/images/hubble_deep_field/picture"), PictureLimits.Default));
    }

    [Fact]
    public async Task Searches_score_uploaded_photos_with_the_models_scores_of_their_encoded_features()
    {
        string[] ids = ["chelsea", "coffee", "astronaut", "rocket", "hubble"];
        await service.AddAsync(ids);
        string[] queries = ["a cat lying on a table", "galaxies in the night sky"];
        var answer = await Json(await Client.PostAsJsonAsync("/search/text-to-image", new { queries, k = 100, candidateIds = ids, mode = "exact" }));
        var expected = service.Scores([.. ids.Select(id => File.ReadAllBytes(PictureService.Photos[id]))], queries);
        for (int q = 0; q < queries.Length; q++)
        {
            var hits = answer["results"]![q]!["hits"]!.AsArray();
            Assert.Equal(ids.Length, hits.Count);
            foreach (var hit in hits)
            {
                int i = Array.IndexOf(ids, hit!["id"]!.GetValue<string>());
                Assert.Equal(expected[i, q], hit["score"]!.GetValue<double>(), ScoreTolerance);
                Assert.Equal($"/images/{ids[i]}/picture", hit["metadata"]!["url"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task A_search_by_photo_finds_the_captions_a_search_by_the_stored_photo_finds_with_the_same_scores()
    {
        await service.AddAsync("coffee");
        await service.AddCaptionsAsync();
        var picture = Convert.ToBase64String(await File.ReadAllBytesAsync(SamplePhotos.Coffee));
        var byPhoto = await Json(await Client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { new { picture } }, k = 5, mode = "exact" }));
        var byId = await Json(await Client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { new { id = "coffee" } }, k = 5, mode = "exact" }));
        var photoHits = byPhoto["results"]![0]!["hits"]!.AsArray();
        var idHits = byId["results"]![0]!["hits"]!.AsArray();
        Assert.Equal(5, photoHits.Count);
        Assert.Equal(idHits.Select(h => h!["id"]!.GetValue<string>()), photoHits.Select(h => h!["id"]!.GetValue<string>()));
        var expected = service.Scores([await File.ReadAllBytesAsync(SamplePhotos.Coffee)], PictureService.Captions);
        foreach (var hit in photoHits)
            Assert.Equal(expected[0, int.Parse(hit!["id"]!.GetValue<string>()["caption-".Length..])], hit["score"]!.GetValue<double>(), ScoreTolerance);

        var explained = await Json(await Client.PostAsJsonAsync("/search/explain", new { caption = new { id = "caption-1" }, image = new { picture } }));
        var ofStored = await Json(await Client.PostAsJsonAsync("/search/explain", new { caption = new { id = "caption-1" }, image = new { id = "coffee" } }));
        Assert.Equal(ofStored["score"]!.GetValue<double>(), explained["score"]!.GetValue<double>(), ScoreTolerance);
        Assert.Null(explained["image"]!["id"]);
        Assert.Equal(36, explained["explanations"]![0]!["words"]![1]!["attention"]!.AsArray().Count);
        // Nothing is kept of the picture, so its boxes come in the encoder's 224 × 224 input square, for the page to stretch over the photo.
        var grid = explained["image"]!["metadata"]!;
        Assert.Equal((224, 224), (grid["width"]!.GetValue<int>(), grid["height"]!.GetValue<int>()));
        Assert.Equal([160, 160, 224, 224], grid["boxes"]![35]!.AsArray().Select(v => v!.GetValue<double>()));
    }

    static StreamContent Part(string path)
    {
        var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
        return content;
    }

    /// <summary>The stored copy shows the original: their pixels at the copy's size differ by JPEG's loss, not more.</summary>
    static void AssertLooksLike(byte[] original, byte[] copy, int width, int height)
    {
        var (a, b) = (new byte[width * height * 3], new byte[width * height * 3]);
        using (var decoded = PictureDecoder.Decode(original, PictureLimits.Default)) decoded.WriteRgb(width, height, a);
        using (var decoded = PictureDecoder.Decode(copy, PictureLimits.Default)) decoded.WriteRgb(width, height, b);
        double mean = a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(mean < 6, $"the stored copy differs from the picture by {mean:0.0} levels on average");
    }
}
