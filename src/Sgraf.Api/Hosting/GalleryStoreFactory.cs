using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;

namespace Sgraf.Api.Hosting;

/// <summary>Opens the store that configuration names (Sgraf:Store) for the loaded bundle.</summary>
public sealed class GalleryStoreFactory(IOptions<SgrafServiceOptions> options, ILoggerFactory loggers)
{
    public async Task<IGalleryStore> OpenAsync(string bundleHash, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await Task.Yield();
        return settings.Store switch
        {
            GalleryStoreKind.Local => LocalGalleryStore.Open(settings.DataDirectory, bundleHash),
            _ => throw new NotSupportedException($"Sgraf:Store {settings.Store} is not available in this build ({loggers.GetType().Name})"),
        };
    }
}
