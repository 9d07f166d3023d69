using Microsoft.Playwright;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Page;

/// <summary>
/// The real service (a process) with the demo gallery, and a headless chromium to open its page in. Shared by the
/// page tests of a class: starting both takes seconds. Screenshots go to artifacts/page-tests/ at the repository root.
/// </summary>
public class PageService : IAsyncLifetime
{
    public const int DemoImages = 60;

    readonly string root = Directory.CreateTempSubdirectory("sgraf-page-").FullName;
    ServiceProcess? service;
    IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string Url => service!.Url;

    public static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(RepositoryPaths.Root, "artifacts", "page-tests")).FullName;

    /// <summary>Service settings over the demo's; a subclass may add or change some (e.g. requiring a key to search).</summary>
    protected virtual IDictionary<string, string> Settings => new Dictionary<string, string>();

    public virtual async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Sgraf__DemoGallery__Enabled"] = "true",
            ["Sgraf__DemoGallery__Images"] = DemoImages.ToString(),
            ["Sgraf__DemoGallery__ShapesDirectory"] = Path.Combine(root, "shapes"),
        };
        // A subclass's settings win, so it can serve another bundle without the demo gallery.
        foreach (var (key, value) in Settings) settings[key] = value;
        service = ServiceProcess.Start(Path.Combine(root, "data"), settings);
        playwright = await Playwright.CreateAsync();
        // --no-sandbox: CI runs the tests as root, where chromium's sandbox refuses to start.
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true, Args = ["--no-sandbox"] });
        await service.WaitReadyAsync(TimeSpan.FromMinutes(3));
    }

    /// <summary>A client of the same service's API (with the key), for what the page should show.</summary>
    public HttpClient Client() => service!.Client();

    public async Task<IPage> OpenAsync(int width = 1200, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = Url });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        service?.Dispose();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { /* a file still held open; the temp folder is cleaned later */ }
    }
}

/// <summary>The demo service that asks for an API key to search, as a locked-down deployment does.</summary>
public sealed class KeyedPageService : PageService
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string> { ["Sgraf__RequireApiKeyForSearch"] = "true" };
}

/// <summary>The service with an empty gallery (the demo gallery off), as a new deployment starts.</summary>
public sealed class EmptyGalleryPageService : PageService
{
    protected override IDictionary<string, string> Settings => new Dictionary<string, string> { ["Sgraf__DemoGallery__Enabled"] = "false" };
}
