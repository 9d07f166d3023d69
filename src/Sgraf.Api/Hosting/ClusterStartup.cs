using Microsoft.Extensions.Options;
using Sgraf.Api.Cluster;
using Sgraf.Api.Configuration;
using Sgraf.Api.Demo;
using Sgraf.Api.Gallery;
using Sgraf.Api.Health;
using Sgraf.Api.Search;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Hosting;

/// <summary>
/// A silo's way to ready (in place of <see cref="GalleryStartup"/>): waits until every shard of the cluster has
/// answered ready once, loads the demo gallery into an empty cluster if asked, and warms the sessions. Later shard
/// failures do not take the silo out of the load balancer: searches answer 503 or partial answers meanwhile, and
/// /health/ready shows which shards recover.
/// </summary>
public sealed partial class ClusterStartup(
    SgrafRuntime runtime,
    ShardWatch watch,
    ServiceReadiness readiness,
    DemoGallerySeeder demo,
    IOptions<SgrafServiceOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ClusterStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Cluster.Tls.Enabled) LogTlsOff(logger);
        try
        {
            await ServerListening.WaitAsync(lifetime, stoppingToken);
            while (true)
            {
                var view = watch.Current;
                if (view.Shards.Count == watch.ShardCount && view.Ready == watch.ShardCount) break;
                readiness.Report(StartupStage.RestoringGallery,
                    $"waiting for the cluster's shards: {view.Ready} of {watch.ShardCount} ready on {view.Silos.Count} silo(s)");
                await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
            }
            var ready = watch.Current;
            if (options.Value.DemoGallery.Enabled && ready.Images == 0 && ready.Captions == 0)
                await SeedDemoAsync(stoppingToken);
            readiness.Report(StartupStage.WarmingUp, "running a first search");
            SessionWarmUp.Run(runtime);
            MemoryRelease.Now();
            readiness.Report(StartupStage.Ready, $"{watch.ShardCount} shards on {watch.Current.Silos.Count} silo(s)");
            LogReady(logger, watch.ShardCount, watch.Current.Silos.Count, watch.Current.Images, watch.Current.Captions);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            StartupFailure.Stop(e, readiness, lifetime, logger);
        }
    }

    /// <summary>
    /// The demo's adds, again from the start while shards move (silos joining as the cluster starts): adds replace by
    /// id, so a repeat is harmless, and it ends once every shard has taken its part.
    /// </summary>
    async Task SeedDemoAsync(CancellationToken stoppingToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                readiness.Report(StartupStage.LoadingDemoGallery, "loading the demo gallery into the shards");
                await demo.SeedIfItFitsAsync(runtime.Bundle, p => readiness.Report(StartupStage.LoadingDemoGallery, p), stoppingToken);
                return;
            }
            catch (ServiceNotReadyException e) when (attempt < 30)
            {
                LogSeedRetry(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sgraf:Cluster:Tls:Enabled is false: silo traffic is neither encrypted nor authenticated, so anything " +
                                                       "that reaches the silo port can call the shards; keep it on unless only the silos can reach that port")]
    static partial void LogTlsOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the demo gallery, attempt {Attempt}, met a shard that could not take its part; trying again: {Reason}")]
    static partial void LogSeedRetry(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: {Shards} shards on {Silos} silo(s), {Images} images, {Captions} captions")]
    static partial void LogReady(ILogger logger, int shards, int silos, int images, int captions);
}
