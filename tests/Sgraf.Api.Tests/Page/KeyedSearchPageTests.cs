using Microsoft.Playwright;

namespace Sgraf.Api.Tests.Page;

/// <summary>A service that wants a key to search: the page says so in place, and works once the key is given.</summary>
public sealed class KeyedSearchPageTests(KeyedPageService service) : IClassFixture<KeyedPageService>
{
    [Fact]
    public async Task Without_a_key_the_page_shows_why_and_with_one_it_searches()
    {
        var page = await service.OpenAsync();
        await page.FillAsync("#query", "a blue square");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#error")).ToBeVisibleAsync();
        Assert.Contains("X-Api-Key", await page.TextContentAsync("#error"));

        await page.ClickAsync("#key-details summary");
        await page.FillAsync("#api-key", Sgraf.TestSupport.ServiceProcess.ApiKey);
        await page.PressAsync("#api-key", "Tab");
        await page.ClickAsync("button[type=submit]");
        // Giving the key also reloads the start view (about twenty small requests) beside this search: time for both.
        await Assertions.Expect(page.Locator(".hit")).ToHaveCountAsync(12, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();
    }
}
