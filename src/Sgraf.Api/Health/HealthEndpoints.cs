using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Gallery.Index;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Health;

/// <summary>Probes for orchestrators and load balancers.</summary>
public static class HealthEndpoints
{
    /// <summary>What /health/ready says.</summary>
    /// <param name="Status">ready, or the start-up stage (restoringgallery, loadingdemogallery, warmingup, failed).</param>
    /// <param name="ShortlistHead">Whether the bundle has a shortlist head, so searches can run in shortlist mode.</param>
    /// <param name="ShortlistDim">The size of the head's vectors; null without a head.</param>
    public sealed record Readiness(string Status, string Detail, int Images, int Captions, string Bundle, string Device, bool ShortlistHead, int? ShortlistDim);

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

    static Results<Ok<Readiness>, JsonHttpResult<Readiness>> Ready(ServiceReadiness readiness, GalleryIndex index, SgrafRuntime runtime)
    {
        var state = readiness.State;
        var snapshot = index.Current;
        var body = new Readiness(state.Stage.ToString().ToLowerInvariant(), state.Detail, snapshot.Images.Count, snapshot.Captions.Count,
            runtime.Bundle.Hash, runtime.Device.ToString().ToLowerInvariant(), runtime.Shortlist is not null, runtime.Shortlist?.Dim);
        return readiness.IsReady ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
