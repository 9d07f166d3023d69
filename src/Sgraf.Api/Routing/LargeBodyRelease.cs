using Microsoft.AspNetCore.Http.Features;
using Sgraf.Api.Gallery;

namespace Sgraf.Api.Routing;

/// <summary>
/// Gives back the memory a burst of large request bodies used, as <see cref="MemoryRelease"/> does after adds: a body
/// that was parsed and then refused (bad input, a missing key) or cut off at its limit grows the heap as much as an
/// accepted one, and without this the memory stayed committed until the next add.
/// </summary>
public static class LargeBodyRelease
{
    /// <summary>Bodies above this (by Content-Length), or of unknown length (chunked), count as large.</summary>
    public const long LargeBodyBytes = 64 * 1024;

    /// <summary>After each large-bodied request, whatever its answer, (re)starts the release's quiet-period countdown.</summary>
    public static IApplicationBuilder UseMemoryReleaseAfterLargeBodies(this IApplicationBuilder app)
    {
        var release = app.ApplicationServices.GetRequiredService<MemoryRelease>();
        return app.Use(async (context, next) =>
        {
            bool large = context.Request.ContentLength is { } length
                ? length > LargeBodyBytes
                : context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
            try
            {
                await next(context);
            }
            finally
            {
                if (large) release.AfterChange();
            }
        });
    }
}
