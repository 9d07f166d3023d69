using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// The one <see cref="Meter"/> every instrument of the service is created on. <see cref="PrometheusExporter"/>
/// publishes an instrument as <c>{meter}_{instrument}</c>, lower-cased, with dots as underscores, and adds no unit or
/// <c>_total</c> suffix of its own; so each instrument's name carries the rest of the Prometheus name that dashboards
/// already query (<c>http_requests_total</c> → <c>sgraf_http_requests_total</c>).
/// </summary>
public static class SgrafMeter
{
    public const string Name = "sgraf";

    /// <summary>The meter of this service provider: one per <paramref name="factory"/>, so test hosts do not share counts.</summary>
    public static Meter Create(IMeterFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Create(Name);
    }
}
