using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sgraf.Api.Observability;

public static class ServiceMetricsRegistration
{
    /// <summary>
    /// Registers the service's instruments (one class per concern, all on <see cref="SgrafMeter"/>) and the
    /// <see cref="PrometheusExporter"/> that <c>MapMetrics</c> serves.
    /// </summary>
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton<RequestMetrics>();
        services.TryAddSingleton<BatcherMetrics>();
        services.TryAddSingleton<QueryCacheMetrics>();
        services.TryAddSingleton<GallerySizeMetrics>();
        services.TryAddSingleton<RuntimeDeviceMetrics>();
        services.TryAddSingleton<ScoringMetrics>();
        services.TryAddSingleton<SearchMetrics>();
        services.TryAddSingleton<AdmissionMetrics>();
        services.TryAddSingleton<GalleryQuarantineMetrics>();
        services.TryAddSingleton<PrometheusExporter>();
        return services;
    }
}
