using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

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
    /// method, and the status code the client got. Call it before <c>UseExceptionHandler</c>: an exception is then
    /// recorded with the status its handler answered (503 for a full queue, 400 for bad input), not as a 500, so
    /// shedding shows as shedding and outsiders cannot raise 5xx alerts with bad requests. An exception that escapes
    /// (no handler answered it) is recorded as 500, which the server then sends, and rethrown. The route is read as the
    /// request leaves, once routing (further in) has chosen the endpoint.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ApplicationServices.GetRequiredService<RequestMetrics>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var method = StandardMethods.Contains(context.Request.Method) ? context.Request.Method : RequestMetrics.OtherMethod;
            try
            {
                await next(context);
            }
            catch
            {
                metrics.RequestCompleted(Route(context), method, StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(started));
                throw;
            }
            metrics.RequestCompleted(Route(context), method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        });
    }

    // The exception handler clears the request's endpoint before answering; its feature keeps the one that threw.
    static string Route(HttpContext context) =>
        ((context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint) as RouteEndpoint)?.RoutePattern.RawText
        ?? RequestMetrics.UnmatchedRoute;
}
