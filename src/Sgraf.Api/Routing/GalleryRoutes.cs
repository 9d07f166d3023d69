using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Health;
using Sgraf.Api.Security;

namespace Sgraf.Api.Routing;

/// <summary>What the image, caption and search route groups share: readiness, and the optional key for reads.</summary>
public static class GalleryRoutes
{
    public static RouteGroupBuilder MapGalleryGroup(this IEndpointRouteBuilder app, string prefix, string tag)
    {
        var group = app.MapGroup(prefix).WithTags(tag).AddEndpointFilter<ReadyFilter>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        if (app.ServiceProvider.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.RequireApiKeyForSearch) group.RequireApiKey();
        return group;
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
