using Microsoft.Extensions.FileProviders;

namespace Sgraf.Api.Site;

/// <summary>
/// The search page at / (wwwroot: plain HTML, CSS and ES modules, no CDN, so it works offline). The files are copied
/// next to the service's assembly and served from there, so the page works whatever the working directory.
/// </summary>
public static class SearchPage
{
    public static WebApplication UseSearchPage(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }
}
