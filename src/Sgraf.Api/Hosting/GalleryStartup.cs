using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Demo;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Local;
using Sgraf.Api.Health;
using Sgraf.Api.Pictures;
using Sgraf.Api.Search;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Hosting;

/// <summary>
/// Brings the service to ready after the server starts listening (so /health/live answers at once): opens the store
/// and restores the gallery into the index, loads the demo gallery into an empty one if asked, and warms the sessions
/// with one search. A failure (another bundle's gallery, a corrupt log, an unreachable Redis) is logged with its
/// reason, shown by /health/ready, and stops the process with exit code 1 — a half-started service is not served.
/// </summary>
public sealed partial class GalleryStartup(
    SgrafRuntime runtime,
    GalleryIndex index,
    GalleryStoreHolder holder,
    GalleryStoreFactory stores,
    ServiceReadiness readiness,
    DemoGallerySeeder demo,
    PicturePipeline pictures,
    IOptions<SgrafServiceOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<GalleryStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ServerListening.WaitAsync(lifetime, stoppingToken);
            readiness.Report(StartupStage.RestoringGallery, $"opening the {options.Value.Store} gallery store");
            var store = await stores.OpenAsync(runtime.Bundle.EmbeddingsHash, stoppingToken);
            holder.Set(store);
            if (store is LocalGalleryStore { TailRepair: { } repair })
                LogTornTail(logger, store.Description, repair.Offset, repair.Reason);
            readiness.Report(StartupStage.RestoringGallery, $"restoring from {store.Description}");
            await store.StartAsync(index.Apply, stoppingToken);
            var snapshot = index.Current;
            LogRestored(logger, snapshot.Images.Count, snapshot.Captions.Count, store.Description);

            if (options.Value.DemoGallery.Enabled && snapshot.Images.Count == 0 && snapshot.Captions.Count == 0)
            {
                readiness.Report(StartupStage.LoadingDemoGallery, "loading the demo gallery");
                await demo.SeedIfItFitsAsync(runtime.Bundle, p => readiness.Report(StartupStage.LoadingDemoGallery, p), stoppingToken);
            }

            readiness.Report(StartupStage.WarmingUp, "running a first search");
            SessionWarmUp.Run(runtime);
            if (pictures.HasEncoder)
            {
                readiness.Report(StartupStage.WarmingUp, "opening the picture encoder");
                pictures.Open();
            }
            // Replay, sealing and the demo's adds are start-up's bursts: what they used goes back before serving.
            MemoryRelease.Now();
            readiness.Report(StartupStage.Ready, $"{index.Current.Images.Count} images and {index.Current.Captions.Count} captions from {store.Description}");
            LogReady(logger, index.Current.Images.Count, index.Current.Captions.Count, runtime.Device.ToString());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            StartupFailure.Stop(e, readiness, lifetime, logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gallery log {Store} ended in a torn write at byte {Offset} ({Reason}); it was cut there (nothing acknowledged is lost)")]
    static partial void LogTornTail(ILogger logger, string store, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Images} images and {Captions} captions from {Store}")]
    static partial void LogRestored(ILogger logger, int images, int captions, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: {Images} images, {Captions} captions, scoring on {Device}")]
    static partial void LogReady(ILogger logger, int images, int captions, string device);
}
