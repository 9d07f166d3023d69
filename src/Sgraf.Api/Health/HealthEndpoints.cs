using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Cluster;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Pictures;
using Sgraf.Api.Security;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Health;

/// <summary>Probes for orchestrators and load balancers.</summary>
public static class HealthEndpoints
{
    /// <summary>What /health/ready says to anyone: ready or not, and why, in words without the service's internals.</summary>
    /// <param name="Status">ready, or the start-up stage (starting, restoringgallery, loadingdemogallery, warmingup, failed).</param>
    /// <param name="Reason">Why, in words: "restoring the gallery", "start-up failed; the service's log says why".</param>
    /// <param name="Pictures">Whether the bundle has a picture encoder, so images may be added and searched as pictures (else
    /// those answer 409). The page reads it to offer "Add photos" and "Search by photo" only where they work.</param>
    public record Readiness(string Status, string Reason, bool Pictures);

    /// <summary>
    /// What /health/ready says to a request with a valid X-Api-Key: the same, and the details operators need (where the
    /// gallery comes from, the bundle, the cluster's silos and shards), which are left out for everyone else.
    /// </summary>
    /// <param name="Detail">Start-up's own words for its stage, with the store's location or the failure's message.</param>
    /// <param name="ShortlistHead">Whether the bundle has a shortlist head, so searches can run in shortlist mode.</param>
    /// <param name="ShortlistDim">The size of the head's vectors; null without a head.</param>
    /// <param name="Cluster">Sharded service only: its silos and shards as this silo last saw them; left out on a single node.</param>
    /// <param name="ImgDim">The size of each region's features the bundle reads (img_dim): what an import's features must have.</param>
    /// <param name="Quarantined">Entries of the gallery's Redis stream (every shard's, in a cluster) set aside because they could not
    /// be read: the gallery serves without them; the log says which and why. 0 for a local store.</param>
    public sealed record ReadinessDetails(string Status, string Reason, bool Pictures, string Detail, int Images, int Captions, string Bundle, string Device,
        bool ShortlistHead, int? ShortlistDim,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClusterReadiness? Cluster = null, long Quarantined = 0, int ImgDim = 0) : Readiness(Status, Reason, Pictures);

    /// <summary>What /health/live says: the process answers.</summary>
    /// <param name="Status">Always live. <example>live</example></param>
    public sealed record Liveness(string Status);

    /// <summary>A sharded service's shape: active silos, and each shard's state and silo.</summary>
    /// <param name="ShardsReady">Shards answering now; the others recover (searches answer 503, or partial answers when asked).</param>
    public sealed record ClusterReadiness(IReadOnlyList<string> Silos, int Shards, int ShardsReady, IReadOnlyList<ShardWatch.ShardView> ShardStates);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", () => TypedResults.Ok(new Liveness("live")))
            .WithName("Live")
            .WithSummary("The process is up and answering (restart it if not)")
            .WithDescription("Answers 200 {\"status\": \"live\"} as long as the process serves requests, also while it starts; for liveness probes. Needs no key.");
        health.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("Ready for traffic: bundle loaded, sessions warmed, gallery restored (503 until then)")
            .WithDescription("Says ready or not and why in words, and whether the bundle takes pictures (pictures: true when it has a picture encoder). With a valid X-Api-Key it adds the details: the start-up stage's own words, "
                + "gallery sizes, bundle hash, device, shortlist head and, in a cluster, its silos and each shard's state.")
            .Produces<ReadinessDetails>()
            .Produces<Readiness>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static Results<JsonHttpResult<Readiness>, JsonHttpResult<ReadinessDetails>> Ready(HttpRequest request, ServiceReadiness readiness, ApiKeys keys, GalleryIndex index, SgrafRuntime runtime,
        PicturePipeline pictures, IServiceProvider services)
    {
        var state = readiness.State;
        var watch = services.GetService<ShardWatch>();
        var cluster = watch?.Current;
        string reason = Reason(state.Stage, cluster is null ? null : (cluster.Ready, watch!.ShardCount));
        var status = state.Stage.ToString().ToLowerInvariant();
        int code = readiness.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        if (!keys.Accepts(request)) return TypedResults.Json(new Readiness(status, reason, pictures.HasEncoder), statusCode: code);

        var snapshot = index.Current;
        var details = new ReadinessDetails(status, reason, pictures.HasEncoder, state.Detail,
            cluster?.Images ?? snapshot.Images.Count, cluster?.Captions ?? snapshot.Captions.Count,
            runtime.Bundle.Hash, runtime.Device.ToString().ToLowerInvariant(), runtime.Shortlist is not null, runtime.Shortlist?.Dim,
            cluster is null ? null : new ClusterReadiness(cluster.Silos, watch!.ShardCount, cluster.Ready, cluster.Shards),
            cluster?.Quarantined ?? (services.GetService<GalleryStoreHolder>()?.Opened as RedisGalleryStore)?.Quarantined ?? 0, runtime.Bundle.ImgDim);
        return TypedResults.Json(details, statusCode: code);
    }

    /// <summary>The stage in words, and in a cluster how many shards answer; nothing that says where or how the service runs.</summary>
    public static string Reason(StartupStage stage, (int Ready, int Shards)? shards = null) => stage switch
    {
        StartupStage.Starting => "starting",
        StartupStage.RestoringGallery => "restoring the gallery",
        StartupStage.LoadingDemoGallery => "loading the demo gallery",
        StartupStage.WarmingUp => "warming up the model",
        StartupStage.Failed => "start-up failed; the service's log says why",
        _ when shards is { } s && s.Ready < s.Shards => $"ready; {s.Ready} of {s.Shards} shards answer, the others are recovering",
        _ => "ready",
    };
}
