using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Sgraf.Api.Tests.Images;
using Sgraf.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Sgraf.Api.Tests.Page;

/// <summary>
/// The service with the picture test bundle (<see cref="PictureBundle"/>: a picture encoder, random similarity models)
/// and its captions, no demo gallery: photos to add through the page. Photos: scikit-image's (<see cref="SamplePhotos"/>).
/// </summary>
public sealed class PhotoPageService : PageService
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Sgraf__BundleDirectory"] = PictureBundle.Path,
        ["Sgraf__DemoGallery__Enabled"] = "false",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/captions",
            new { captions = PictureService.Captions.Select((text, i) => new { id = $"caption-{i}", text }) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The page's photo views in chromium (issue 18, item 4): photos added with the file chooser once the key is given, and
/// found by a sentence with their stored photos; a photo dropped on "Search by photo" ranks the captions; "Why this
/// matched" draws the attended grid cells on the photo; a file that is no photo is listed with the service's reason.
/// </summary>
public sealed class PhotoPageTests(PhotoPageService service) : IClassFixture<PhotoPageService>
{
    static readonly string[] Added = ["chelsea", "coffee", "astronaut", "rocket", "hubble_deep_field"];

    [Fact]
    public async Task Photos_added_with_the_file_chooser_after_the_key_is_asked_for_are_found_by_a_sentence_with_their_stored_photos()
    {
        var page = await OpenAsync();
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#add-photos"));
        Assert.True(chooser.IsMultiple);
        await chooser.SetFilesAsync(SamplePhotos.All);

        // No key yet: the page asks for it, keeps the files, and sends nothing.
        await Expect(page.Locator("#add-photos-retry")).ToHaveTextAsync("Add the 5 photos");
        Assert.Contains("API key", await page.TextContentAsync("#add-photos-status"));
        Assert.True(await page.Locator("#key-details").EvaluateAsync<bool>("d => d.open"));
        using var client = service.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/images/chelsea")).StatusCode);

        await page.FillAsync("#api-key", ServiceProcess.ApiKey);
        await page.PressAsync("#api-key", "Tab");
        await page.ClickAsync("#add-photos-retry");
        await Expect(page.Locator("#add-photos-status")).ToHaveTextAsync("Done: 5 of 5 added. Search by a sentence to find them.", new() { Timeout = 60_000 });
        await Expect(page.Locator("#add-photos-refused")).ToBeHiddenAsync();
        // Each file's id is its name without the extension.
        Assert.Equal(SamplePhotos.All.Select(p => $"{Path.GetFileName(p)} → {Path.GetFileNameWithoutExtension(p)}"),
            await page.Locator("#add-photos-added li").AllTextContentsAsync());
        foreach (var id in Added) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/images/{id}")).StatusCode);

        // A sentence finds them as the API ranks them, each shown from its stored copy.
        await page.FillAsync("#k", "5");
        await page.FillAsync("#query", PictureService.Captions[0]);
        await page.PressAsync("#query", "Enter");
        await page.WaitForSelectorAsync(".hit, #error:not([hidden])", new() { Timeout = 30_000 });
        Assert.Equal("", await page.TextContentAsync("#error"));
        await Expect(page.Locator(".hit")).ToHaveCountAsync(5);
        var expected = await HitsAsync(client, "/search/text-to-image", new { queries = new[] { PictureService.Captions[0] }, k = 5 });
        Assert.Equal(expected.Select(h => h.Id), await page.Locator(".hit .id").AllTextContentsAsync());
        Assert.Equal(expected.Select(h => $"{service.Url}/images/{h.Id}/picture"),
            await page.Locator(".hit img").EvaluateAllAsync<string[]>("is => is.map(i => i.src)"));
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.hit img')].every(i => i.complete && i.naturalWidth > 0)");
        await PageService.ScreenshotAsync(page, "photos-added");

        // Why the first matched: a word's most attended regions are drawn as the photo's grid cells the service recorded.
        string first = expected[0].Id;
        await page.Locator(".hit .why").First.ClickAsync();
        await page.Locator("#explain-words button.word").Nth(1).HoverAsync();
        await Expect(page.Locator("#explain-boxes rect.region")).ToHaveCountAsync(3);
        using var explained = await ExplainAsync(client, new { caption = new { text = PictureService.Captions[0] }, image = new { id = first }, model = "sgraf" });
        var stored = JsonDocument.Parse(await client.GetStringAsync($"/images/{first}")).RootElement.GetProperty("metadata");
        await AssertDrawnAsync(page, explained.RootElement, stored);
    }

    [Fact]
    public async Task A_photo_dropped_on_search_by_photo_ranks_its_captions_and_why_draws_its_grid_cells_on_it()
    {
        var page = await OpenAsync();
        var coffee = await File.ReadAllBytesAsync(SamplePhotos.Coffee);
        await DropAsync(page, "#photo-search-drop", ("coffee.png", coffee, "image/png"));

        await page.WaitForSelectorAsync(".caption, #error:not([hidden])", new() { Timeout = 30_000 });
        Assert.Equal("", await page.TextContentAsync("#error"));
        await Expect(page.Locator(".caption")).ToHaveCountAsync(PictureService.Captions.Length);
        using var client = service.Client();
        var picture = Convert.ToBase64String(coffee);
        var expected = await HitsAsync(client, "/search/image-to-text", new { queries = new[] { new { picture } }, k = 12 });
        Assert.Equal(expected.Select(h => h.Id), await page.Locator(".caption .id").AllTextContentsAsync());
        Assert.Equal(expected.Select(h => h.Score.ToString("F4")), await page.Locator(".caption .score").AllTextContentsAsync());
        Assert.Equal("coffee.png", await page.TextContentAsync("#caption-image-id"));
        // The dropped photo is shown from a data: URL (the CSP's img-src takes data:).
        Assert.StartsWith("data:image/png;base64,", await page.GetAttributeAsync("#caption-image", "src"));
        await page.WaitForFunctionAsync("() => document.getElementById('caption-image').naturalWidth === 600");
        await PageService.ScreenshotAsync(page, "search-by-photo");

        await page.Locator(".caption .why").First.ClickAsync();
        await page.Locator("#explain-words button.word").Nth(1).HoverAsync();
        await Expect(page.Locator("#explain-boxes rect.region")).ToHaveCountAsync(3);
        using var explained = await ExplainAsync(client, new { caption = new { id = expected[0].Id }, image = new { picture }, model = "sgraf" });
        await AssertDrawnAsync(page, explained.RootElement, explained.RootElement.GetProperty("image").GetProperty("metadata"));
        Assert.Equal("data:image/png;base64,", (await page.GetAttributeAsync("#explain-image", "src"))![..22]);
        await PageService.ScreenshotAsync(page, "search-by-photo-explained");
    }

    [Fact]
    public async Task A_dropped_file_that_is_no_photo_is_listed_with_the_services_reason_and_the_others_are_added()
    {
        var page = await OpenAsync();
        await page.ClickAsync("#key-details summary");
        await page.FillAsync("#api-key", ServiceProcess.ApiKey);
        await page.PressAsync("#api-key", "Tab");
        // Ten files, so two requests of at most eight: the text file refuses the first request, which is sent again without it.
        var cat = await File.ReadAllBytesAsync(SamplePhotos.Chelsea);
        var files = Enumerable.Range(1, 9).Select(i => ($"kitten-{i}.png", cat, "image/png")).ToList();
        files.Insert(4, ("notes.jpg", "these are notes, not a photo\n"u8.ToArray(), "image/jpeg"));
        await DropAsync(page, "header", [.. files]);

        await Expect(page.Locator("#add-photos-status")).ToHaveTextAsync("Done: 9 of 10 added, 1 refused (listed below). Search by a sentence to find them.",
            new() { Timeout = 90_000 });
        var refused = await page.Locator("#add-photos-refused li").AllTextContentsAsync();
        var reason = Assert.Single(refused);
        Assert.StartsWith("notes.jpg: ", reason);
        Assert.Contains("JPEG, PNG", reason);
        using var client = service.Client();
        for (int i = 1; i <= 9; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/images/kitten-{i}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/images/notes")).StatusCode);

        // Nothing else broke: a sentence search still shows the added photo.
        await page.FillAsync("#query", "a cat");
        await page.PressAsync("#query", "Enter");
        await page.WaitForSelectorAsync(".hit, #error:not([hidden])", new() { Timeout = 30_000 });
        await Expect(page.Locator(".hit .id", new() { HasText = "kitten-" }).First).ToBeVisibleAsync();
        await Expect(page.Locator("#error")).ToBeHiddenAsync();
    }

    /// <summary>The page, once it has learnt that the service takes pictures and shows the photo views (drops are taken from then on).</summary>
    async Task<IPage> OpenAsync()
    {
        var page = await service.OpenAsync();
        await Expect(page.Locator("#photos")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return page;
    }

    /// <summary>A drop as the browser makes one: a DataTransfer holding the files, dispatched on the element.</summary>
    static async Task DropAsync(IPage page, string selector, params (string Name, byte[] Bytes, string Type)[] files)
    {
        var transfer = await page.EvaluateHandleAsync("""
            files => {
              const transfer = new DataTransfer();
              for (const f of files) transfer.items.add(new File([Uint8Array.from(atob(f.data), c => c.charCodeAt(0))], f.name, { type: f.type }));
              return transfer;
            }
            """, files.Select(f => new { name = f.Name, data = Convert.ToBase64String(f.Bytes), type = f.Type }).ToArray());
        await page.DispatchEventAsync(selector, "dragover", new { dataTransfer = transfer });
        await page.DispatchEventAsync(selector, "drop", new { dataTransfer = transfer });
    }

    /// <summary>The drawn boxes are the top three regions of the first explanation's second word, at the boxes of <paramref name="metadata"/>.</summary>
    static async Task AssertDrawnAsync(IPage page, JsonElement explanation, JsonElement metadata)
    {
        var top = explanation.GetProperty("explanations")[0].GetProperty("words")[1].GetProperty("attention").EnumerateArray().Take(3)
            .Select(a => a.GetProperty("region").GetInt32()).ToList();
        var boxes = metadata.GetProperty("boxes");
        var expected = top.Select(r => boxes[r].EnumerateArray().Select(v => v.GetDouble()).ToArray())
            .Select(b => $"{r(b[0])} {r(b[1])} {r(b[2] - b[0])} {r(b[3] - b[1])}");
        var drawn = await page.Locator("#explain-boxes rect.region").EvaluateAllAsync<string[]>(
            "rs => rs.map(r => ['x', 'y', 'width', 'height'].map(a => Number(r.getAttribute(a)).toFixed(1)).join(' '))");
        Assert.Equal(expected, drawn);
        Assert.Equal($"0 0 {metadata.GetProperty("width").GetInt32()} {metadata.GetProperty("height").GetInt32()}",
            await page.GetAttributeAsync("#explain-boxes", "viewBox"));

        static string r(double value) => value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    static async Task<JsonDocument> ExplainAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync("/search/explain", request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    static async Task<List<(string Id, double Score)>> HitsAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return [.. json.GetProperty("results")[0].GetProperty("hits").EnumerateArray().Select(h => (h.GetProperty("id").GetString()!, h.GetProperty("score").GetDouble()))];
    }
}

/// <summary>A bundle without a picture encoder (the demo's): the page offers no photo views and says why.</summary>
public sealed class PhotoViewsWithoutEncoderTests(PageService service) : IClassFixture<PageService>
{
    [Fact]
    public async Task The_page_says_the_service_takes_no_photos_instead_of_offering_them()
    {
        var page = await service.OpenAsync();
        await Expect(page.Locator("#photos-unavailable")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.Contains("no picture encoder", await page.TextContentAsync("#photos-unavailable"));
        await Expect(page.Locator("#photos")).ToBeHiddenAsync();
    }
}
