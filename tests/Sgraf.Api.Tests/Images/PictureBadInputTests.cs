using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SkiaSharp;
using Sgraf.Inference.Pictures;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Images;

/// <summary>
/// Issue 18's bad pictures, each sent as JSON and as a multipart part: a 4xx problem+json naming the picture (its JSON
/// path, or pictures[i] with its part and file) and what is wrong with it, nothing stored, and the service still taking
/// good pictures afterwards. The odd pictures that are pictures (1 × 1, 16-bit, CMYK, grayscale, alpha, EXIF-rotated)
/// are taken, and their stored copies show them as they should look.
/// </summary>
public sealed class PictureBadInputTests(PictureBadInputTests.Service service) : IClassFixture<PictureBadInputTests.Service>
{
    /// <summary>The picture service with pictures PIL writes (CMYK, GIF, TIFF, BMP, PDF) in a folder.</summary>
    public sealed class Service : PictureService
    {
        readonly TempDirectory pil = new();

        public Service() => TestPictures.WriteWithPil(pil.Path);

        public byte[] Pil(string name) => File.ReadAllBytes(pil.File(name));

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            pil.Dispose();
        }
    }

    HttpClient Client => service.Client;

    public static TheoryData<string, int, string[]> Refused() => new()
    {
        // picture, status, words the error about it must hold
        { "empty", 400, ["empty"] },
        { "truncated JPEG", 400, ["JPEG", "truncated"] },
        { "text", 415, ["not a picture", "JPEG, PNG or WebP"] },
        { "PDF", 415, ["PDF", "JPEG, PNG or WebP"] },
        { "GIF", 415, ["GIF", "JPEG, PNG or WebP"] },
        { "TIFF", 415, ["TIFF", "JPEG, PNG or WebP"] },
        { "BMP", 415, ["BMP", "JPEG, PNG or WebP"] },
        { "HEIC", 415, ["HEIC", "JPEG, PNG or WebP"] },
        { "SVG", 415, ["SVG", "JPEG, PNG or WebP"] },
        { "100,000 × 100,000 PNG header", 400, ["100,000 × 100,000", "40,000,000"] },
    };

    byte[] Picture(string name) => name switch
    {
        "empty" => [],
        "truncated JPEG" => File.ReadAllBytes(SamplePhotos.Rocket)[..30_000],
        "text" => "a dog runs on the beach"u8.ToArray(),
        "PDF" => service.Pil("picture.pdf"),
        "GIF" => service.Pil("picture.gif"),
        "TIFF" => service.Pil("picture.tiff"),
        "BMP" => service.Pil("picture.bmp"),
        // An ISO media file of brand heic: the header of an iPhone photo.
        "HEIC" => [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, 0, 0, 0, 8, .. "free"u8],
        "SVG" => "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"u8.ToArray(),
        _ => TestPictures.PngDeclaring(100_000, 100_000),
    };

    async Task<int> ImageCount() => (await Client.GetFromJsonAsync<JsonObject>("/images?limit=1"))!["total"]!.GetValue<int>();

    static async Task<JsonObject> Problem(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    static void AssertNames(JsonObject problem, string path, string[] words)
    {
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(path), $"the errors do not name {path}: {problem.ToJsonString()}");
        var message = string.Join(" ", errors[path]!.AsArray().Select(m => m!.GetValue<string>()));
        foreach (var word in words) Assert.Contains(word, message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_bad_picture_is_refused_by_name_with_what_is_wrong_and_nothing_is_stored(string name, int status, string[] words)
    {
        int before = await ImageCount();
        long memory = Environment.WorkingSet;
        var json = await Problem(await Client.PostAsJsonAsync("/images", new
        {
            images = new object[]
            {
                new { id = "good-beside-it", picture = Convert.ToBase64String(File.ReadAllBytes(SamplePhotos.Rocket)) },
                new { id = "bad", picture = Convert.ToBase64String(Picture(name)) },
            },
        }), status);
        AssertNames(json, "images[1].picture", words);

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(SamplePhotos.Chelsea)), "picture", "fine.png" },
            { new ByteArrayContent(Picture(name)), "picture", "bad.bin" },
        };
        var multipart = await Problem(await Client.PostAsync("/images", form), status);
        AssertNames(multipart, "pictures[1]", ["part 1", "file 'bad.bin'", .. words]);
        Assert.Equal(0, multipart["imported"]!.GetValue<int>());

        var search = await Problem(await Client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { new { picture = Convert.ToBase64String(Picture(name)) } } }), status);
        AssertNames(search, "queries[0].picture", words);

        Assert.Equal(before, await ImageCount());
        // The 100,000 × 100,000 header is refused from its header: 40 GB of pixels are never asked for.
        Assert.True(Environment.WorkingSet - memory < 200L << 20, $"the process grew by {(Environment.WorkingSet - memory) >> 20} MB");
        await service.AddAsync("rocket");
    }

    [Fact]
    public async Task A_picture_with_region_features_and_base64_that_is_not_base64_are_refused_naming_the_member()
    {
        int before = await ImageCount();
        var picture = Convert.ToBase64String(File.ReadAllBytes(SamplePhotos.Rocket));
        var both = await Problem(await Client.PostAsJsonAsync("/images", new
        {
            images = new[] { new { id = "both", picture, regionsBase64 = Convert.ToBase64String(new byte[36 * 512 * 4]) } },
        }), 400);
        AssertNames(both, "images[0]", ["'picture'", "region features", "one of them"]);
        var notBase64 = await Problem(await Client.PostAsJsonAsync("/images", new { images = new[] { new { id = "nope", picture = "this is not base64!" } } }), 400);
        AssertNames(notBase64, "images[0].picture", ["not valid base64"]);
        var dataUrl = await Problem(await Client.PostAsJsonAsync("/search/explain", new
        {
            caption = new { text = "a rocket" }, image = new { picture = "data:image/jpeg;base64," + picture },
        }), 400);
        AssertNames(dataUrl, "image.picture", ["data: URL"]);
        Assert.Equal(before, await ImageCount());
    }

    public static TheoryData<string> Odd() => ["1 × 1", "16-bit PNG", "CMYK JPEG", "grayscale PNG", "transparent PNG"];

    [Theory]
    [MemberData(nameof(Odd))]
    public async Task Odd_pictures_are_pictures_and_their_copies_show_them_in_8_bit_RGB(string name)
    {
        var (file, width, height, colours) = name switch
        {
            "1 × 1" => (Png(1, 1, (_, _) => new SKColor(10, 120, 230)), 1, 1, new[] { (0, 0, (10, 120, 230)) }),
            "16-bit PNG" => (TestPictures.Png16(64, 32, (x, _) => x < 32 ? ((ushort)(200 * 257), (ushort)(40 * 257), (ushort)(40 * 257)) : ((ushort)(30 * 257), (ushort)(90 * 257), (ushort)(220 * 257))),
                64, 32, [(8, 16, (200, 40, 40)), (56, 16, (30, 90, 220))]),
            "CMYK JPEG" => (service.Pil("cmyk.jpg"), 32, 16, [(4, 8, (255, 0, 0)), (28, 8, (0, 0, 255))]),
            "grayscale PNG" => (Gray(), 64, 32, [(8, 16, (40, 40, 40)), (56, 16, (200, 200, 200))]),
            _ => (Png(64, 32, (x, _) => x < 32 ? new SKColor(255, 0, 0, 0) : new SKColor(0, 0, 255, 255)), 64, 32, [(8, 16, (255, 255, 255)), (56, 16, (0, 0, 255))]),
        };
        string id = "odd " + name;
        using var response = await Client.PostAsJsonAsync("/images", new { images = new[] { new { id, picture = Convert.ToBase64String(file) } } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var copy = await Client.GetByteArrayAsync($"/images/{Uri.EscapeDataString(id)}/picture");
        using var decoded = PictureDecoder.Decode(copy, PictureLimits.Default);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        var rgb = new byte[width * height * 3];
        decoded.WriteRgb(width, height, rgb);
        foreach (var (x, y, (r, g, b)) in colours)
        {
            int at = (y * width + x) * 3;
            Assert.True(Math.Abs(rgb[at] - r) <= 16 && Math.Abs(rgb[at + 1] - g) <= 16 && Math.Abs(rgb[at + 2] - b) <= 16,
                $"{name} at ({x}, {y}): expected ({r}, {g}, {b}), the copy has ({rgb[at]}, {rgb[at + 1]}, {rgb[at + 2]})");
        }
    }

    [Fact]
    public async Task An_EXIF_rotated_photo_is_turned_upright_before_it_is_encoded_and_stored()
    {
        // The rocket photo stored turned a quarter anticlockwise, with EXIF orientation 6 to show it upright.
        using var upright = SKBitmap.Decode(SamplePhotos.Rocket);
        using var stored = new SKBitmap(new SKImageInfo(upright.Height, upright.Width, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(stored))
        {
            canvas.Translate(0, upright.Width);
            canvas.RotateDegrees(-90);
            using var image = SKImage.FromBitmap(upright);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None));
        }
        var rotated = TestPictures.WithExifOrientation(TestPictures.Jpeg(stored), 6);
        var straight = TestPictures.Jpeg(upright);
        using var response = await Client.PostAsJsonAsync("/images", new
        {
            images = new[] { new { id = "rotated", picture = Convert.ToBase64String(rotated) }, new { id = "straight", picture = Convert.ToBase64String(straight) } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        foreach (var id in new[] { "rotated", "straight" })
        {
            var metadata = (await Client.GetFromJsonAsync<JsonObject>($"/images/{id}"))!["metadata"]!;
            Assert.Equal((640, 427), (metadata["width"]!.GetValue<int>(), metadata["height"]!.GetValue<int>()));
        }
        // Resampling a turned picture rounds differently from resampling it upright, so the features are near, not equal
        // (cosine 0.99 here); the same file read without its orientation is another picture to the encoder (cosine 0.36).
        var uprightFeatures = service.Features(straight);
        Assert.True(Cosine(service.Features(rotated), uprightFeatures) > 0.97, "the rotated photo's features are not the upright photo's");
        Assert.True(Cosine(service.Features(TestPictures.Jpeg(stored)), uprightFeatures) < 0.8, "the encoder cannot tell a turned photo from an upright one");
        // The features the service encoded are the rotated file's through the one path, which turns it upright.
        var scores = service.Scores([rotated, straight], ["a rocket on the launch pad"]);
        var answer = await Client.PostAsJsonAsync("/search/text-to-image", new { queries = new[] { "a rocket on the launch pad" }, candidateIds = new[] { "rotated", "straight" }, k = 2 });
        var hits = (await answer.Content.ReadFromJsonAsync<JsonObject>())!["results"]![0]!["hits"]!.AsArray();
        foreach (var hit in hits)
            Assert.Equal(scores[hit!["id"]!.GetValue<string>() == "rotated" ? 0 : 1, 0], hit["score"]!.GetValue<double>(), 2e-6);
        var (a, b) = (await Client.GetByteArrayAsync("/images/rotated/picture"), await Client.GetByteArrayAsync("/images/straight/picture"));
        var (pa, pb) = (new byte[640 * 427 * 3], new byte[640 * 427 * 3]);
        using (var d = PictureDecoder.Decode(a, PictureLimits.Default)) d.WriteRgb(640, 427, pa);
        using (var d = PictureDecoder.Decode(b, PictureLimits.Default)) d.WriteRgb(640, 427, pb);
        // Both copies went through JPEG twice, on different block grids, so they are compared with what a wrong turn gives:
        // the straight copy upside down.
        double fromStraight = pa.Zip(pb, (x, y) => Math.Abs(x - y)).Average();
        var upsideDown = new byte[pb.Length];
        for (int p = 0; p < 640 * 427; p++) pb.AsSpan(p * 3, 3).CopyTo(upsideDown.AsSpan((640 * 427 - 1 - p) * 3, 3));
        double turned = pa.Zip(upsideDown, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(fromStraight < turned / 4, $"the stored copy of the rotated photo is not upright: it differs from the straight copy by {fromStraight:0.0} per channel, from it upside down by {turned:0.0}");
    }

    [Fact]
    public async Task A_picture_for_a_bundle_without_a_picture_encoder_is_a_409_that_says_how_to_add_one()
    {
        await using var demo = new Sgraf.Api.Tests.Service.SgrafServiceFactory();
        using var client = await demo.CreateReadyClientAsync();
        var picture = Convert.ToBase64String(File.ReadAllBytes(SamplePhotos.Rocket));
        var json = await Problem(await client.PostAsJsonAsync("/images", new { images = new[] { new { id = "rocket", picture } } }), 409);
        Assert.Contains("sgraf export-onnx --picture-encoder resnet18 --out", json["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertNames(json, "images[0].picture", ["no picture encoder"]);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(SamplePhotos.Rocket)), "picture", "rocket.jpg" } };
        Assert.Contains("--picture-encoder resnet18", (await Problem(await client.PostAsync("/images", form), 409))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Problem(await client.PostAsJsonAsync("/search/image-to-text", new { queries = new[] { new { picture } } }), 409);
        await Problem(await client.PostAsJsonAsync("/search/explain", new { caption = new { text = "a red circle" }, image = new { picture } }), 409);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonObject>("/images?limit=1"))!["total"]!.GetValue<int>());
    }

    static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    static byte[] Png(int width, int height, Func<int, int, SKColor> pixel)
    {
        using var bitmap = TestPictures.Make(width, height, pixel);
        return TestPictures.Png(bitmap);
    }

    static byte[] Gray()
    {
        using var gray = new SKBitmap(new SKImageInfo(64, 32, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 64; x++) gray.SetPixel(x, y, x < 32 ? new SKColor(40, 40, 40) : new SKColor(200, 200, 200));
        return gray.PeekPixels()!.Encode(new SKPngEncoderOptions())!.ToArray();
    }
}
