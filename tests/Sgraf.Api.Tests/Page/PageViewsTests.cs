using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Sgraf.Api.Tests.Page;

/// <summary>
/// What issue 20 found a new user missing on the page (items 4 and 13), in chromium against the demo service: a start
/// view with example sentences and a sample of the gallery, views in the browser's history, titles on cards, a larger
/// view of a picture, more results, and an explanation column that is the same for every word said as such.
/// </summary>
public sealed class PageViewsTests(PageService service) : IClassFixture<PageService>
{
    const string Query = "a red circle";

    [Fact]
    public async Task The_start_view_offers_sentences_from_the_gallerys_captions_and_one_click_searches_it()
    {
        var page = await service.OpenAsync();
        var examples = page.Locator("#example-list button.example");
        await Expect(examples).ToHaveCountAsync(5);
        var texts = await examples.AllTextContentsAsync();

        var captions = await ListAsync("/captions?limit=1000");
        Assert.Equal(PageService.DemoImages * 5, captions.Count);
        var captionTexts = captions.Select(c => c.GetProperty("text").GetString()).ToHashSet();
        Assert.All(texts, t => Assert.Contains(t, captionTexts));
        Assert.Equal(texts.Count, texts.Distinct().Count());
        // Those whose words the model knows come first (all of the demo's do).
        var answer = await PostAsync("/search/text-to-image", new { queries = texts, k = 1 });
        Assert.All(answer.GetProperty("results").EnumerateArray(), r => Assert.Empty(r.GetProperty("unknownWords").EnumerateArray()));
        await PageService.ScreenshotAsync(page, "start-view");

        await examples.Nth(2).ClickAsync();
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);
        Assert.Equal(texts[2], await page.InputValueAsync("#query"));
        await Expect(page.Locator("#landing")).ToBeHiddenAsync();
        var expected = await TopIdsAsync(texts[2], 12);
        Assert.Equal(expected, await page.Locator(".hit .id").AllTextContentsAsync());
    }

    [Fact]
    public async Task The_start_view_shows_a_sample_of_the_gallery_and_a_picture_finds_its_captions()
    {
        var page = await service.OpenAsync();
        var sample = page.Locator("#sample-list button");
        await Expect(sample).ToHaveCountAsync(8);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#sample-list img')].every(i => i.complete && i.naturalWidth > 0)");
        // Spread over the gallery (60 images, ordered by id), not its first eight.
        var ids = await page.Locator("#sample-list .id").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"shapes-test-{i * PageService.DemoImages / 8:D6}"), ids);

        await sample.Nth(3).ClickAsync();
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);
        Assert.Equal(ids[3], await page.TextContentAsync("#caption-image-id"));
        Assert.NotEmpty(await page.Locator(".caption.true").AllAsync());
        Assert.EndsWith($"/?image={ids[3]}", page.Url);

        await page.ClickAsync("#back");
        await Expect(page.Locator("#landing")).ToBeVisibleAsync();
        await Expect(page.Locator("#caption-results")).ToBeHiddenAsync();
        Assert.EndsWith("/", page.Url);
    }

    [Fact]
    public async Task Back_forward_and_reload_move_between_the_views_in_the_address()
    {
        var page = await service.OpenAsync();
        await SearchAsync(page, Query);
        Assert.EndsWith("/?q=a+red+circle", page.Url);
        string imageId = (await page.Locator(".hit .id").Nth(1).TextContentAsync())!;
        await page.Locator(".picture-button").Nth(1).ClickAsync();
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);
        Assert.EndsWith($"/?q=a+red+circle&image={imageId}", page.Url);

        await page.GoBackAsync();
        await Expect(page.Locator("#image-results")).ToBeVisibleAsync();
        await Expect(page.Locator("#caption-results")).ToBeHiddenAsync();
        Assert.EndsWith("/?q=a+red+circle", page.Url);

        await page.GoForwardAsync();
        await Expect(page.Locator("#caption-results")).ToBeVisibleAsync();
        Assert.Equal(imageId, await page.TextContentAsync("#caption-image-id"));

        // A reload (or the same address in another tab) shows the same view, its searches run again.
        await page.ReloadAsync();
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);
        Assert.Equal(imageId, await page.TextContentAsync("#caption-image-id"));
        Assert.Equal(Query, await page.InputValueAsync("#query"));

        await page.GoBackAsync();
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);
        Assert.Equal(await TopIdsAsync(Query, 12), await page.Locator(".hit .id").AllTextContentsAsync());

        await page.GoBackAsync();
        await Expect(page.Locator("#landing")).ToBeVisibleAsync();
        await Expect(page.Locator("#image-results")).ToBeHiddenAsync();
        Assert.Equal("", await page.InputValueAsync("#query"));
    }

    [Fact]
    public async Task A_shared_link_opens_its_view_and_the_pages_back_button_goes_to_its_images()
    {
        var context = await service.Browser.NewContextAsync(new() { BaseURL = service.Url });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/?q=a%20blue%20square&image=shapes-test-000005");
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);
        Assert.Equal("shapes-test-000005", await page.TextContentAsync("#caption-image-id"));
        Assert.Equal("← Back to images", await page.TextContentAsync("#back"));

        await page.ClickAsync("#back");
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);
        Assert.Equal(await TopIdsAsync("a blue square", 12), await page.Locator(".hit .id").AllTextContentsAsync());
        Assert.EndsWith("/?q=a+blue+square", page.Url);
    }

    [Fact]
    public async Task Cards_show_the_images_title_with_the_id_as_secondary_text()
    {
        var page = await service.OpenAsync();
        await SearchAsync(page, Query);
        var hits = (await PostAsync("/search/text-to-image", new { queries = new[] { Query }, k = 12 })).GetProperty("results")[0].GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(hits.Select(h => h.GetProperty("metadata").GetProperty("title").GetString()), await page.Locator(".hit .title").AllTextContentsAsync());
        Assert.Equal(hits.Select(h => h.GetProperty("id").GetString()), await page.Locator(".hit .id").AllTextContentsAsync());
        // The title reads first, the id after it, smaller.
        Assert.True(await page.Locator(".hit").First.EvaluateAsync<bool>(
            "h => h.querySelector('.title').compareDocumentPosition(h.querySelector('.id')) & Node.DOCUMENT_POSITION_FOLLOWING"));
        Assert.True(await page.Locator(".hit").First.EvaluateAsync<bool>(
            "h => parseFloat(getComputedStyle(h.querySelector('.id')).fontSize) < parseFloat(getComputedStyle(h.querySelector('.title')).fontSize)"));
    }

    [Fact]
    public async Task A_picture_opens_larger_and_the_keyboard_closes_it()
    {
        var page = await service.OpenAsync();
        await SearchAsync(page, Query);
        var larger = page.Locator(".hit .larger").Nth(2);
        await larger.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var lightbox = page.Locator("#lightbox");
        await Expect(lightbox).ToBeVisibleAsync();
        string url = (await page.Locator(".hit img").Nth(2).GetAttributeAsync("src"))!;
        Assert.Equal(url, await lightbox.Locator("img").GetAttributeAsync("src"));
        Assert.Equal(await page.Locator(".hit .id").Nth(2).TextContentAsync(), await lightbox.Locator(".lightbox-id").TextContentAsync());
        await page.WaitForFunctionAsync("() => document.querySelector('#lightbox img').naturalWidth > 0");
        double large = await lightbox.Locator("img").EvaluateAsync<double>("i => i.getBoundingClientRect().width");
        double card = await page.Locator(".hit img").Nth(2).EvaluateAsync<double>("i => i.getBoundingClientRect().width");
        Assert.True(large > 2 * card, $"the larger view is {large} px wide, the card's picture {card} px");
        await PageService.ScreenshotAsync(page, "larger-view");

        await page.Keyboard.PressAsync("Escape");
        await Expect(lightbox).ToBeHiddenAsync();
        Assert.True(await larger.EvaluateAsync<bool>("b => b === document.activeElement"), "focus did not return to the button that opened the larger view");

        // The image of the captions view opens larger too.
        await page.Locator(".picture-button").First.ClickAsync();
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);
        await page.ClickAsync("#caption-image-larger");
        await Expect(lightbox).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(lightbox).ToBeHiddenAsync();
    }

    [Fact]
    public async Task More_results_adds_the_next_hits_without_duplicates_until_the_gallery_has_no_more()
    {
        var page = await service.OpenAsync();
        await page.FillAsync("#k", "25");
        await SearchAsync(page, Query, expected: 25);
        var more = page.Locator("#more-images");
        await Expect(more).ToBeVisibleAsync();

        await more.ClickAsync();
        await Expect(page.Locator(".hit")).ToHaveCountAsync(50);
        await more.ClickAsync();
        await Expect(page.Locator(".hit")).ToHaveCountAsync(PageService.DemoImages);
        await Expect(more).ToBeHiddenAsync();

        var ids = await page.Locator(".hit .id").AllTextContentsAsync();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(await TopIdsAsync(Query, PageService.DemoImages), ids);
        Assert.Equal(Enumerable.Range(1, PageService.DemoImages).Select(r => $"#{r}"), await page.Locator(".hit .rank").AllTextContentsAsync());

        // Captions too: 60 images × 5 captions, 25 at a time.
        await page.Locator(".picture-button").First.ClickAsync();
        await Expect(page.Locator(".caption")).ToHaveCountAsync(25);
        await page.ClickAsync("#more-captions");
        await Expect(page.Locator(".caption")).ToHaveCountAsync(50);
        var captionIds = await page.Locator(".caption .id").AllTextContentsAsync();
        Assert.Equal(captionIds.Count, captionIds.Distinct().Count());
    }

    [Fact]
    public async Task An_explanation_column_equal_for_every_word_is_left_out_and_said_so()
    {
        var page = await service.OpenAsync();
        await SearchAsync(page, Query);
        string imageId = (await page.Locator(".hit .id").First.TextContentAsync())!;
        var explanation = await PostAsync("/search/explain", new { caption = new { text = Query }, image = new { id = imageId }, model = "sgraf" });
        var sgr = explanation.GetProperty("explanations").EnumerateArray().Single(e => e.GetProperty("model").GetString() == "sgr");
        var edges = sgr.GetProperty("words").EnumerateArray().Select(w => w.GetProperty("edge").GetDouble()).Append(sgr.GetProperty("globalEdge").GetDouble()).ToList();
        // The demo model's SGR edges: one value for every word and the whole caption, to the 0.1% the page shows.
        Assert.True(edges.Max() - edges.Min() < 0.001, $"the edges range from {edges.Min()} to {edges.Max()}");
        string mean = (100 * edges.Average()).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

        await page.Locator(".hit .why").First.ClickAsync();
        var tables = page.Locator("#explain-tables table");
        await Expect(tables).ToHaveCountAsync(2);
        var sgrTable = tables.Filter(new() { HasText = "SGR " });
        Assert.Equal(["Word", "Top regions"], await sgrTable.Locator("thead th").AllTextContentsAsync());
        Assert.Contains($"Edge: equal for every word ({mean}%)", await sgrTable.Locator("caption").TextContentAsync());
        Assert.Equal(await sgrTable.Locator("tbody tr").CountAsync() * 2, await sgrTable.Locator("tbody td").CountAsync());
        // SAF's weights differ from word to word: their column stays.
        var safTable = tables.Filter(new() { HasText = "SAF " });
        Assert.Equal(["Word", "Top regions", "Weight"], await safTable.Locator("thead th").AllTextContentsAsync());
        Assert.DoesNotContain("equal for every word", await safTable.Locator("caption").TextContentAsync());
        await PageService.ScreenshotAsync(page, "explanation-flat-column");
    }

    async Task SearchAsync(IPage page, string query, int expected = 12)
    {
        await page.FillAsync("#query", query);
        await page.PressAsync("#query", "Enter");
        await Expect(page.Locator(".hit")).ToHaveCountAsync(expected);
    }

    async Task<List<string>> TopIdsAsync(string query, int k) =>
        [.. (await PostAsync("/search/text-to-image", new { queries = new[] { query }, k })).GetProperty("results")[0].GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!)];

    async Task<JsonElement> PostAsync(string path, object body)
    {
        using var client = service.Client();
        using var response = await client.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    async Task<List<JsonElement>> ListAsync(string path)
    {
        using var client = service.Client();
        var page = JsonDocument.Parse(await client.GetStringAsync(path)).RootElement.Clone();
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

/// <summary>A new deployment's page: its gallery is empty, and the start view says how to fill it.</summary>
public sealed class EmptyGalleryPageTests(EmptyGalleryPageService service) : IClassFixture<EmptyGalleryPageService>
{
    [Fact]
    public async Task The_start_view_of_an_empty_gallery_says_how_to_add_images()
    {
        var page = await service.OpenAsync();
        var note = page.Locator("#landing-note");
        await Assertions.Expect(note).ToBeVisibleAsync();
        string text = (await note.TextContentAsync())!;
        Assert.StartsWith("The gallery is empty", text);
        Assert.Contains("POST /images", text);
        Assert.Contains("photos", text);
        await Assertions.Expect(page.Locator("#examples")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#sample")).ToBeHiddenAsync();
        await PageService.ScreenshotAsync(page, "start-view-empty-gallery");
    }
}
