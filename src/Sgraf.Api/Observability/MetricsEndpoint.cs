using Prometheus;

namespace Sgraf.Api.Observability;

public static class MetricsEndpoint
{
    /// <summary>
    /// Maps <c>GET /metrics</c>: the Prometheus text exposition (format 0.0.4) of <see cref="PrometheusExporter"/>'s
    /// registry, open to all like the health endpoints (no API key). Left out of the OpenAPI description, as it is for
    /// the scraper, not for clients of the API.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var exporter = app.ServiceProvider.GetRequiredService<PrometheusExporter>();
        MetricServerMiddlewareExtensions.MapMetrics(app, settings =>
            {
                settings.Registry = exporter.Registry;
                // Always text/plain 0.0.4, as the service has always answered: with OpenMetrics on, a Prometheus
                // server's Accept header would switch the content type and the spelling of bucket bounds.
                settings.EnableOpenMetrics = false;
            }, "/metrics")
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .ExcludeFromDescription();
        return app;
    }
}
