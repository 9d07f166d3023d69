using Microsoft.Playwright;

namespace Sgraf.Api.Tests.Page;

/// <summary>The demo service with Swagger UI on, as an operator may configure it in production (Sgraf:Swagger).</summary>
public sealed class SwaggerPageService : PageService
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string> { ["Sgraf__Swagger"] = "true" };
}

/// <summary>
/// The Content-Security-Policy in a real browser (issue 17, item 7): the page and Swagger UI work under it without a
/// single violation, pictures load from other origins as an item's metadata.url may point anywhere, and what the
/// policy exists to stop (scripts from elsewhere, inline scripts) is stopped.
/// </summary>
public sealed class ContentSecurityPolicyTests(SwaggerPageService service) : IClassFixture<SwaggerPageService>
{
    // Every violation the browser reports, kept on the page for the test to read.
    const string RecordViolations = """
        window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
        """;

    [Fact]
    public async Task The_page_searches_shows_pictures_and_explains_without_a_violation()
    {
        var page = await OpenAsync("/");
        await page.FillAsync("#query", "a red circle");
        await page.PressAsync("#query", "Enter");
        await Assertions.Expect(page.Locator(".hit")).ToHaveCountAsync(12);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.hit img')].every(i => i.complete && i.naturalWidth > 0)");
        await page.Locator(".hit .why").First.ClickAsync();
        await Assertions.Expect(page.Locator("#explain-words button.word").First).ToBeVisibleAsync();
        await page.Locator("#explain-words button.word").Nth(1).HoverAsync();
        await Assertions.Expect(page.Locator("#explain-boxes rect.region")).ToHaveCountAsync(3);

        Assert.Empty(await ViolationsAsync(page));
    }

    [Fact]
    public async Task Swagger_ui_renders_its_operations_without_a_violation()
    {
        var page = await OpenAsync("/swagger/index.html");
        await Assertions.Expect(page.Locator(".opblock").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(await page.Locator(".opblock").CountAsync() >= 8);
        await PageService.ScreenshotAsync(page, "swagger-ui");

        Assert.Empty(await ViolationsAsync(page));
    }

    [Fact]
    public async Task Pictures_load_from_other_origins_but_scripts_from_them_and_inline_scripts_do_not_run()
    {
        var page = await OpenAsync("/");
        // The same service under its other name is another origin.
        string elsewhere = service.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

        Assert.True(await page.EvaluateAsync<int>($$"""
            () => new Promise(done => { const i = new Image(); i.onload = () => done(i.naturalWidth); i.onerror = () => done(-1); i.src = '{{elsewhere}}/placeholder.svg'; })
            """) > 0);
        Assert.Equal("blocked", await page.EvaluateAsync<string>($$"""
            () => new Promise(done => { const s = document.createElement('script'); s.onload = () => done('ran'); s.onerror = () => done('blocked'); s.src = '{{elsewhere}}/api.js'; document.head.append(s); })
            """));
        // An inline script, as markup injected into the page would carry one (DevTools' own evaluation is exempt, so
        // the test inserts a script element rather than calling eval here).
        Assert.Null(await page.EvaluateAsync<int?>("""
            () => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1'; document.head.append(s); return window.inlineRan ?? null; }
            """));

        var violations = await ViolationsAsync(page);
        Assert.Contains(violations, v => v.StartsWith("script-src", StringComparison.Ordinal) && v.Contains("/api.js", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("script-src", StringComparison.Ordinal) && v.EndsWith("inline", StringComparison.Ordinal));
    }

    async Task<IPage> OpenAsync(string path)
    {
        var context = await service.Browser.NewContextAsync(new() { BaseURL = service.Url });
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync(RecordViolations);
        var response = await page.GotoAsync(path);
        Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy"));
        return page;
    }

    static async Task<string[]> ViolationsAsync(IPage page)
    {
        // Violation events are dispatched asynchronously: give the last ones a moment.
        await page.WaitForTimeoutAsync(200);
        return await page.EvaluateAsync<string[]>("() => window.cspViolations");
    }
}
