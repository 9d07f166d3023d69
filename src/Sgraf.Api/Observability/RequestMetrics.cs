using System.Collections.Frozen;
using System.Diagnostics;

namespace Sgraf.Api.Observability;

public static class RequestMetrics
{
    /// <summary>The route label of requests no endpoint matched; one label for all, however many paths are probed.</summary>
    public const string UnmatchedRoute = "unmatched";

    /// <summary>The method label of anything but the standard methods, which clients may otherwise invent without limit.</summary>
    public const string OtherMethod = "OTHER";

    private static readonly FrozenSet<string> StandardMethods = FrozenSet.Create(
        StringComparer.Ordinal,
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete,
        HttpMethods.Patch, HttpMethods.Options, HttpMethods.Trace, HttpMethods.Connect);

    /// <summary>
    /// Times every request and records it with <see cref="ServiceMetrics.RequestCompleted"/>: the matched endpoint's
    /// route pattern (<c>/items/{id}</c>, not <c>/items/42</c>) or <see cref="UnmatchedRoute"/>, the method, and the
    /// final status code, or 500 when an exception escapes (it is rethrown).
    /// Call it after <c>app.UseRouting()</c>: the endpoint is chosen by routing, and is read as the request enters
    /// this middleware, so placed before routing every request would count as unmatched.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ApplicationServices.GetRequiredService<ServiceMetrics>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? UnmatchedRoute;
            var method = StandardMethods.Contains(context.Request.Method) ? context.Request.Method : OtherMethod;
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
