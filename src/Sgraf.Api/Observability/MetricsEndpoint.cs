using Microsoft.AspNetCore.Mvc;

namespace Sgraf.Api.Observability;

public static class MetricsEndpoint
{
    /// <summary>
    /// Maps <c>GET /metrics</c>: the Prometheus text exposition of <see cref="ServiceMetrics"/>. Left out of the
    /// OpenAPI description, as it is for the scraper, not for clients of the API.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/metrics", ([FromServices] ServiceMetrics metrics) => TypedResults.Text(metrics.Render(), PrometheusText.ContentType))
            .ExcludeFromDescription();
        return app;
    }
}
