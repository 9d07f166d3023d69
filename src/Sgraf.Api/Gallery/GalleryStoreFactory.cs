using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Local;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Observability;

namespace Sgraf.Api.Gallery;

/// <summary>Opens the store that configuration names (Sgraf:Store) for the loaded bundle.</summary>
public sealed class GalleryStoreFactory(IOptions<SgrafServiceOptions> options, GalleryIndex index, GalleryQuarantineMetrics quarantine, ILoggerFactory loggers)
{
    public async Task<IGalleryStore> OpenAsync(string bundleHash, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return settings.Store switch
        {
            GalleryStoreKind.Local => LocalGalleryStore.Open(settings.DataDirectory, bundleHash, index, settings.Storage.CheckpointBytes),
            GalleryStoreKind.Redis => await RedisGalleryStore.ConnectAsync(
                settings.Redis, bundleHash, loggers.CreateLogger<RedisGalleryStore>(), cancellationToken,
                new ReplicaDisk(settings.DataDirectory, index, settings.Storage.CheckpointBytes), quarantine),
            _ => throw new NotSupportedException($"Sgraf:Store {settings.Store} is not a known store."),
        };
    }
}
