using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sgraf.Api.Observability;

public static class ServiceMetricsRegistration
{
    /// <summary>Registers the process's one <see cref="ServiceMetrics"/>, which <c>MapMetrics</c> and <c>UseRequestMetrics</c> use.</summary>
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ServiceMetrics>();
        return services;
    }
}
