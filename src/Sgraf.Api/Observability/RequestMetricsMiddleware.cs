using System.Collections.Frozen;
using System.Diagnostics;

namespace Sgraf.Api.Observability;

public static class RequestMetricsMiddleware
{
    static readonly FrozenSet<string> StandardMethods = FrozenSet.Create(
        StringComparer.Ordinal,
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete,
        HttpMethods.Patch, HttpMethods.Options, HttpMethods.Trace, HttpMethods.Connect);

    /// <summary>
    /// Times every request and records it with <see cref="RequestMetrics.RequestCompleted"/>: the matched endpoint's
    /// route pattern (<c>/items/{id}</c>, not <c>/items/42</c>) or <see cref="RequestMetrics.UnmatchedRoute"/>, the
    /// method, and the final status code, or 500 when an exception escapes (it is rethrown).
    /// Call it after <c>app.UseRouting()</c>: the endpoint is chosen by routing, and is read as the request enters
    /// this middleware, so placed before routing every request would count as unmatched.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ApplicationServices.GetRequiredService<RequestMetrics>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? RequestMetrics.UnmatchedRoute;
            var method = StandardMethods.Contains(context.Request.Method) ? context.Request.Method : RequestMetrics.OtherMethod;
            try
            {
                await next(context);
            }
            catch
            {
                metrics.RequestCompleted(route, method, StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(started));
                throw;
            }
            metrics.RequestCompleted(route, method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        });
    }
}
