using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Hosting;
using Sgraf.Api.Cluster;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Observability;
using Sgraf.Api.Search;

namespace Sgraf.Api.Hosting;

/// <summary>
/// Sharded mode (Sgraf:Cluster:Enabled): this process is an Orleans silo, with Redis as its membership table, holding
/// some of the gallery's shard grains; its API (unchanged for clients) writes, reads and searches through the shards.
/// </summary>
public static class ClusterHosting
{
    public static WebApplicationBuilder AddSgrafCluster(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(SgrafServiceOptions.Section).Get<SgrafServiceOptions>() ?? new();
        if (!settings.Cluster.Enabled) return builder;
        var cluster = settings.Cluster;

        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, "sgraf"));
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisConnectionSettings.From(settings.Redis));
            // Listening on the advertised address alone (not every interface), and a gateway only when one is configured:
            // the service's processes are silos, so nothing of ours connects as an Orleans client.
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            if (cluster.Tls.Enabled) silo.UseTls(tls => SiloTls.Configure(tls, cluster.Tls));
            // Failover starts when the others declare a silo dead: after 3 missed probes, with one vote enough, so a
            // cluster of 2 survivors decides alone. Orleans' defaults (10 s probes) would leave shards down for a minute.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(cluster.ProbeSeconds);
                o.NumMissedProbesLimit = 3;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(cluster.ProbeSeconds);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(Math.Max(5, cluster.ProbeSeconds * 2));
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(cluster.ShardTimeoutSeconds));
            silo.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
        });

        var services = builder.Services;
        services.AddSingleton<ShardCalls>();
        services.AddSingleton<ShardRequestRules>();
        services.AddSingleton<ShardResources>();
        services.AddSingleton<ShardWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<ShardWatch>());
        services.AddSingleton<ClusterMetrics>();
        services.Replace(ServiceDescriptor.Singleton<IGalleryWriter, ShardedGalleryWriter>());
        services.Replace(ServiceDescriptor.Singleton<IGalleryCatalog, ShardedGalleryCatalog>());
        services.Replace(ServiceDescriptor.Singleton<ISearchService, ShardedSearch>());
        // This process holds no gallery of its own: the shards restore theirs, so the single-node start-up must not run.
        var single = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(GalleryStartup));
        services.Remove(single);
        services.AddHostedService<ClusterStartup>();
        return builder;
    }

    /// <summary>Gallery size and cluster shape for /metrics, from what <see cref="ShardWatch"/> last saw.</summary>
    public static WebApplication ObserveCluster(this WebApplication app)
    {
        if (app.Services.GetService<ShardWatch>() is not { } watch) return app;
        app.Services.GetRequiredService<GallerySizeMetrics>().ReadFrom(() => (watch.Current.Images, watch.Current.Captions));
        app.Services.GetRequiredService<ClusterMetrics>().ReadFrom(() =>
            (watch.Current.Ready, watch.ShardCount - watch.Current.Ready, watch.Current.Silos.Count));
        return app;
    }
}
