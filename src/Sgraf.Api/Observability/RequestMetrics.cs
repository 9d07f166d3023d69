using System.Diagnostics.Metrics;
using System.Globalization;

namespace Sgraf.Api.Observability;

/// <summary>
/// Answered HTTP requests: <c>sgraf_http_requests_total{route,method,status}</c> and
/// <c>sgraf_http_request_duration_seconds{route,method}</c>. <see cref="RequestMetricsMiddleware.UseRequestMetrics"/>
/// records every request. Our own rather than ASP.NET Core's <c>http.server.request.duration</c>, whose names and
/// labels differ from those dashboards already query.
/// </summary>
public sealed class RequestMetrics
{
    /// <summary>The route label of requests no endpoint matched; one label for all, however many paths are probed.</summary>
    public const string UnmatchedRoute = "unmatched";

    /// <summary>The method label of anything but the standard methods, which clients may otherwise invent without limit.</summary>
    public const string OtherMethod = "OTHER";

    readonly Counter<long> requests;
    readonly Histogram<double> duration;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        var meter = SgrafMeter.Create(meterFactory);
        requests = meter.CreateCounter<long>("http_requests_total", "{request}",
            "HTTP requests answered, by route pattern, method and status code.");
        duration = meter.CreateHistogram("http_request_duration_seconds", "s",
            "Time from a request entering the pipeline to its answer, by route pattern and method.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Latency });
    }

    /// <summary>
    /// One answered request. <paramref name="route"/> is the matched route pattern, never the raw path, so that the
    /// number of series stays bounded.
    /// </summary>
    public void RequestCompleted(string route, string method, int status, TimeSpan elapsed)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        var methodTag = new KeyValuePair<string, object?>("method", method);
        requests.Add(1, routeTag, methodTag, new("status", status.ToString(CultureInfo.InvariantCulture)));
        duration.Record(elapsed.TotalSeconds, routeTag, methodTag);
    }
}
