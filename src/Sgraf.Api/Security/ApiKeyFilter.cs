using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;

namespace Sgraf.Api.Security;

/// <summary>
/// Requires a configured key in the X-Api-Key header. Keys are compared as SHA-256 digests in fixed time, so timing
/// does not reveal how much of a guess was right.
/// </summary>
public sealed class ApiKeyFilter(IOptions<SgrafServiceOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    readonly byte[][] keyDigests = [.. options.Value.ApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (keyDigests.Length == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Changes are disabled",
                detail: "No API keys are configured, so the gallery is read-only. Set Sgraf:ApiKeys (e.g. Sgraf__ApiKeys__0) to allow adds and deletes.");
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (given.Length == 0)
            return Unauthorized($"The {Header} header is missing; this operation needs an API key.");
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        bool match = false;
        foreach (var key in keyDigests) match |= CryptographicOperations.FixedTimeEquals(key, digest);
        return match ? await next(context) : Unauthorized($"The {Header} header does not hold a configured API key.");
    }

    static IResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required", detail: detail);
}

public static class ApiKeyEndpointExtensions
{
    /// <summary>Requires X-Api-Key on these endpoints (and says so in the OpenAPI description).</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, ApiKeyFilter>()
            .WithMetadata(new ApiKeyRequiredMetadata())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>Marks endpoints that need X-Api-Key, for the OpenAPI security requirement.</summary>
public sealed class ApiKeyRequiredMetadata;
