using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;

namespace Sgraf.Api.Demo;

/// <summary>Serves the demo gallery's SVG pictures at /demo/images, so a search hit's metadata URL opens its picture.</summary>
public static class DemoPictures
{
    public static WebApplication UseDemoPictures(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SgrafServiceOptions>>().Value;
        if (!options.DemoGallery.Enabled) return app;
        var dir = DemoGallerySeeder.PictureDirectory(options.DemoGallery.ShapesDirectory);
        Directory.CreateDirectory(dir);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(dir), RequestPath = DemoGallerySeeder.PicturePath });
        return app;
    }
}
