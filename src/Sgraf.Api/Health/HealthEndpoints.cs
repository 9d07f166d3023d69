using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Cluster;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Health;

/// <summary>Probes for orchestrators and load balancers.</summary>
public static class HealthEndpoints
{
    /// <summary>What /health/ready says.</summary>
    /// <param name="Status">ready, or the start-up stage (restoringgallery, loadingdemogallery, warmingup, failed).</param>
    /// <param name="ShortlistHead">Whether the bundle has a shortlist head, so searches can run in shortlist mode.</param>
    /// <param name="ShortlistDim">The size of the head's vectors; null without a head.</param>
    /// <param name="Cluster">Sharded service only: its silos and shards as this silo last saw them; left out on a single node.</param>
    /// <param name="Quarantined">Entries of the gallery's Redis stream (every shard's, in a cluster) set aside because they could not
    /// be read: the gallery serves without them; the log says which and why. 0 for a local store.</param>
    public sealed record Readiness(string Status, string Detail, int Images, int Captions, string Bundle, string Device, bool ShortlistHead, int? ShortlistDim,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClusterReadiness? Cluster = null, long Quarantined = 0);

    /// <summary>A sharded service's shape: active silos, and each shard's state and silo.</summary>
    /// <param name="ShardsReady">Shards answering now; the others recover (searches answer 503, or partial answers when asked).</param>
    public sealed record ClusterReadiness(IReadOnlyList<string> Silos, int Shards, int ShardsReady, IReadOnlyList<ShardWatch.ShardView> ShardStates);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", () => TypedResults.Ok(new { status = "live" }))
            .WithName("Live")
            .WithSummary("The process is up and answering (restart it if not)");
        health.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("Ready for traffic: bundle loaded, sessions warmed, gallery restored (503 until then)");
        return app;
    }

    static Results<Ok<Readiness>, JsonHttpResult<Readiness>> Ready(ServiceReadiness readiness, GalleryIndex index, SgrafRuntime runtime, IServiceProvider services)
    {
        var state = readiness.State;
        var snapshot = index.Current;
        var cluster = services.GetService<ShardWatch>() is { } watch ? watch.Current : null;
        var body = new Readiness(state.Stage.ToString().ToLowerInvariant(), state.Detail,
            cluster?.Images ?? snapshot.Images.Count, cluster?.Captions ?? snapshot.Captions.Count,
            runtime.Bundle.Hash, runtime.Device.ToString().ToLowerInvariant(), runtime.Shortlist is not null, runtime.Shortlist?.Dim,
            cluster is null ? null : new ClusterReadiness(cluster.Silos, services.GetRequiredService<ShardWatch>().ShardCount, cluster.Ready, cluster.Shards),
            cluster?.Quarantined ?? (services.GetService<GalleryStoreHolder>()?.Opened as RedisGalleryStore)?.Quarantined ?? 0);
        return readiness.IsReady ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
