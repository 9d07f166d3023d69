using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Sgraf.Api.Tests.Page;

/// <summary>
/// The search page in a real browser (chromium, headless) against the real service with the demo gallery: what a
/// person sees is what the API answers, pictures load, and image-to-text and the explanation are a click away.
/// </summary>
public sealed class SearchPageTests(PageService service) : IClassFixture<PageService>
{
    const string Query = "a red circle";

    [Fact]
    public async Task Typing_a_sentence_shows_the_top_images_as_loaded_pictures_with_rank_score_id_and_time()
    {
        var page = await service.OpenAsync();
        var pictures = new List<IResponse>();
        page.Response += (_, r) => { if (r.Url.Contains("/demo/images/")) lock (pictures) pictures.Add(r); };

        await page.FillAsync("#query", Query);
        await page.PressAsync("#query", "Enter");
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.hit img')].every(i => i.complete && i.naturalWidth > 0)");

        var expected = await SearchAsync("/search/text-to-image", new { queries = new[] { Query }, k = 12 });
        Assert.Equal(expected.Select(h => h.Id), await page.Locator(".hit .id").AllTextContentsAsync());
        Assert.Equal(expected.Select(h => h.Score.ToString("F4")), await page.Locator(".hit .score").AllTextContentsAsync());
        Assert.Equal(Enumerable.Range(1, 12).Select(r => $"#{r}"), await page.Locator(".hit .rank").AllTextContentsAsync());
        lock (pictures)
        {
            Assert.True(pictures.Count >= 12, $"only {pictures.Count} pictures were fetched");
            Assert.All(pictures, r => Assert.Equal(200, r.Status));
        }
        Assert.Matches(@"^12 images in \d+ ms \(SGRAF, exact: \d+ scored\)$", await page.TextContentAsync("#status"));
        await PageService.ScreenshotAsync(page, "text-to-image");
    }

    [Fact]
    public async Task Choosing_an_image_ranks_its_captions_and_marks_the_true_ones()
    {
        var page = await service.OpenAsync();
        await SearchFromPageAsync(page);
        string imageId = (await page.Locator(".hit .id").First.TextContentAsync())!;
        await page.Locator(".picture-button").First.ClickAsync();
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);

        var expected = await SearchAsync("/search/image-to-text", new { queries = new[] { new { id = imageId } }, k = 12 });
        Assert.Equal(expected.Select(h => h.Id), await page.Locator(".caption .id").AllTextContentsAsync());
        Assert.Equal(expected.Select(h => h.Text), await page.Locator(".caption .text").AllTextContentsAsync());
        // The demo's captions say which image they describe; exactly those are marked.
        var trueIds = expected.Where(h => h.Id.StartsWith(imageId + "-", StringComparison.Ordinal)).Select(h => h.Id).ToList();
        Assert.NotEmpty(trueIds);
        Assert.Equal(trueIds, await page.Locator(".caption.true .id").AllTextContentsAsync());
        await Expect(page.Locator(".caption.true .true-mark").First).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('caption-image').naturalWidth > 0");
        await PageService.ScreenshotAsync(page, "image-to-text");
    }

    [Fact]
    public async Task Why_this_matched_shows_the_models_weights_and_draws_a_words_regions_on_the_picture()
    {
        var page = await service.OpenAsync();
        await SearchFromPageAsync(page);
        string imageId = (await page.Locator(".hit .id").First.TextContentAsync())!;
        await page.Locator(".hit .why").First.ClickAsync();
        await Expect(page.Locator("#explain")).ToBeVisibleAsync();

        using var client = service.Client();
        using var response = await client.PostAsJsonAsync("/search/explain", new { caption = new { text = Query }, image = new { id = imageId }, model = "sgraf" });
        response.EnsureSuccessStatusCode();
        var explanation = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var words = explanation.GetProperty("caption").GetProperty("words").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Equal(words, await page.Locator("#explain-words button.word").AllTextContentsAsync());
        Assert.Contains(explanation.GetProperty("score").GetDouble().ToString("F4"), await page.TextContentAsync("#explain-score"));

        // Pointing at a word draws its three most attended regions (the first explanation's, SGR, is shown first).
        await page.Locator("#explain-words button.word").Nth(1).HoverAsync();
        var attention = explanation.GetProperty("explanations")[0].GetProperty("words")[1].GetProperty("attention");
        var top = attention.EnumerateArray().Take(3).Select(a => a.GetProperty("region").GetInt32().ToString()).ToList();
        await Expect(page.Locator("#explain-boxes rect.region")).ToHaveCountAsync(3);
        Assert.Equal(top, await page.Locator("#explain-boxes rect.region").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.region)"));
        Assert.Contains($"region {top[0]}", await page.TextContentAsync("#explain-word-detail"));
        await Expect(page.Locator("#explain-tables table")).ToHaveCountAsync(2);
        await PageService.ScreenshotAsync(page, "explanation");

        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#explain")).ToBeHiddenAsync();
    }

    /// <summary>"a dog playing on the beach" found 12 confident shapes with no word that the model knew none of it.</summary>
    [Fact]
    public async Task The_page_says_which_words_of_the_query_the_model_does_not_know()
    {
        var page = await service.OpenAsync();
        await page.FillAsync("#query", "a dog playing on the beach, left of a circle");
        await page.PressAsync("#query", "Enter");
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);
        await Expect(page.Locator("#unknown-words")).ToBeVisibleAsync();
        Assert.StartsWith("The model does not know: dog, playing, on, the, beach.", await page.TextContentAsync("#unknown-words"));
        await PageService.ScreenshotAsync(page, "unknown-words");

        await page.FillAsync("#query", Query);
        await page.PressAsync("#query", "Enter");
        await Expect(page.Locator("#unknown-words")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task An_error_from_the_API_is_shown_on_the_page_with_its_detail()
    {
        var page = await service.OpenAsync();
        // More hits than the service allows: the browser's own check is bypassed so the API's 400 is what shows.
        await page.EvalOnSelectorAsync("#k", "e => { e.removeAttribute('max'); e.value = '5000'; }");
        await page.FillAsync("#query", Query);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator("#error")).ToBeVisibleAsync();
        Assert.StartsWith("k:", await page.TextContentAsync("#error"));
        await Expect(page.Locator(".hit")).ToHaveCountAsync(0);
        await PageService.ScreenshotAsync(page, "error");
    }

    [Fact]
    public async Task The_page_works_from_the_keyboard_alone()
    {
        var page = await service.OpenAsync();
        await TabToAsync(page, "el => el.id === 'query'");
        await page.Keyboard.TypeAsync(Query);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);

        await TabToAsync(page, "el => el.classList.contains('picture-button')");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".caption")).ToHaveCountAsync(12);

        await TabToAsync(page, "el => el.classList.contains('why')");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#explain")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#explain")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.classList.contains('why')"), "focus did not return to the button that opened the explanation");
    }

    [Fact]
    public async Task The_page_fits_a_phone_width_window()
    {
        var page = await service.OpenAsync(width: 375, height: 740);
        await SearchFromPageAsync(page);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the results scroll sideways at 375 px");
        await page.Locator(".hit .why").First.ClickAsync();
        await Expect(page.Locator("#explain")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => { const d = document.getElementById('explain'); return d.scrollWidth <= d.clientWidth; }"), "the explanation scrolls sideways at 375 px");
        await PageService.ScreenshotAsync(page, "phone");
    }

    static async Task SearchFromPageAsync(IPage page)
    {
        await page.FillAsync("#query", Query);
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator(".hit")).ToHaveCountAsync(12);
    }

    static async Task TabToAsync(IPage page, string isTarget)
    {
        for (int i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => ({isTarget})(document.activeElement)")) return;
        }
        Assert.Fail($"60 presses of Tab never reached the element ({isTarget})");
    }

    async Task<List<Hit>> SearchAsync(string path, object body)
    {
        using var client = service.Client();
        using var response = await client.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return [.. json.GetProperty("results")[0].GetProperty("hits").EnumerateArray()
            .Select(h => new Hit(h.GetProperty("id").GetString()!, h.GetProperty("score").GetDouble(), h.TryGetProperty("text", out var t) ? t.GetString() : null))];
    }

    static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    sealed record Hit(string Id, double Score, string? Text);
}
