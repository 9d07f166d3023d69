namespace Sgraf.Api.Security;

/// <summary>
/// Endpoints marked with <see cref="RequireApiKey{TBuilder}"/> answer only requests with a configured key. The check is
/// a middleware between routing and the endpoint, not an endpoint filter: a minimal API reads and binds the body before
/// its filters run, so a filter would let a client without a key make the service buffer a write's large body.
/// </summary>
public static class ApiKeyCheck
{
    /// <summary>Call after <c>UseRouting</c> (the endpoint's metadata says whether it needs a key) and before the endpoints.</summary>
    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app)
    {
        var keys = app.ApplicationServices.GetRequiredService<ApiKeys>();
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequiredMetadata>() is not null && keys.Refusal(context.Request) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }

    /// <summary>Requires X-Api-Key on these endpoints (and says so in the OpenAPI description).</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiKeyRequiredMetadata())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>Marks endpoints that need X-Api-Key, for <see cref="ApiKeyCheck"/> and the OpenAPI security requirement.</summary>
public sealed class ApiKeyRequiredMetadata;
