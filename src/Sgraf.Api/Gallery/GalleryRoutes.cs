using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Hosting;
using Sgraf.Api.Security;

namespace Sgraf.Api.Gallery;

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

    /// <summary>Checks paging arguments; null when they are fine.</summary>
    public static IResult? CheckPage(int offset, int limit, int maxPageSize) =>
        offset < 0 || limit < 1 || limit > maxPageSize
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [offset < 0 ? "offset" : "limit"] = [offset < 0 ? $"is {offset}; it must be 0 or more" : $"is {limit}; it must be from 1 to {maxPageSize}"],
            }, title: "The request is not valid")
            : null;
}
