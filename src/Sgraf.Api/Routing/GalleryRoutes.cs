using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Health;
using Sgraf.Api.Security;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Routing;

/// <summary>What the image, caption and search route groups share: readiness, the optional key for reads, the small body limit, ids in paths.</summary>
public static class GalleryRoutes
{
    /// <summary>
    /// A group whose endpoints answer 503 until the gallery is restored, need a key for everything when
    /// Sgraf:RequireApiKeyForSearch is on, and take bodies up to the search limit (<see cref="RequestRules.SearchBodyBytes"/>):
    /// searches and explanations need no key, so what they may make the service buffer stays small. Adds raise it.
    /// </summary>
    public static RouteGroupBuilder MapGalleryGroup(this IEndpointRouteBuilder app, string prefix, string tag)
    {
        var services = app.ServiceProvider;
        var group = app.MapGroup(prefix).WithTags(tag).AddEndpointFilter<ReadyFilter>()
            .WithBodyLimit(services.GetRequiredService<RequestRules>().SearchBodyBytes, "Sgraf:Limits:MaxSearchBodyBytes")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        if (services.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.RequireApiKeyForSearch) group.RequireApiKey();
        return group;
    }

    /// <summary>
    /// The id a GET or DELETE path names, percent-decoded once from the request as sent: <c>a%2Fb</c> is the id
    /// <c>a/b</c> and <c>a%252Fb</c> the id <c>a%2Fb</c>. The route value cannot tell those two apart (Kestrel decodes
    /// every escape in a path but %2F). Any stored id is reachable this way, also one stored before ids were checked.
    /// </summary>
    public static string ItemId(HttpContext context, string routeValue)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/') return routeValue;
        var path = target.AsSpan(0, target.AsSpan().IndexOfAny('?', '#') is var end and >= 0 ? end : target.Length);
        var segment = path[(path.LastIndexOf('/') + 1)..].ToString();
        // The raw segment is this route value only when decoding it as Kestrel does (all but %2F) gives the value; a
        // path that Kestrel rewrote (dot segments) falls back to the value.
        string kestrelDecoded = Uri.UnescapeDataString(segment.Replace("%2F", "%252F", StringComparison.OrdinalIgnoreCase));
        return string.Equals(kestrelDecoded, routeValue, StringComparison.Ordinal) ? Uri.UnescapeDataString(segment) : routeValue;
    }

    /// <summary>One page of the catalog's items of <paramref name="kind"/> (ordered by id), or 400 when the paging arguments are out of range.</summary>
    public static async Task<IResult> ListAsync<TInfo>(IGalleryCatalog catalog, GalleryItemKind kind,
        int offset, int limit, int maxPageSize, Func<CatalogItem, TInfo> info, CancellationToken cancellationToken)
    {
        if (offset < 0 || limit < 1 || limit > maxPageSize)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [offset < 0 ? "offset" : "limit"] = [offset < 0 ? $"is {offset}; it must be 0 or more" : $"is {limit}; it must be from 1 to {maxPageSize}"],
            }, title: "The request is not valid");
        var (total, items) = await catalog.ListAsync(kind, offset, limit, cancellationToken);
        return TypedResults.Ok(new Page<TInfo>(total, offset, limit, [.. items.Select(info)]));
    }

    public static ProblemHttpResult NotFound(string kind, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {kind}", detail: $"The gallery has no {kind} with id '{id}'.");
}
