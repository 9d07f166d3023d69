using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;

namespace Sgraf.Api.Security;

/// <summary>
/// The configured API keys (Sgraf:ApiKeys) and the X-Api-Key check. Keys are compared as SHA-256 digests in fixed
/// time, so timing does not reveal how much of a guess was right.
/// </summary>
public sealed class ApiKeys(IOptions<SgrafServiceOptions> options)
{
    public const string Header = "X-Api-Key";

    readonly byte[][] keyDigests = [.. options.Value.ApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    /// <summary>Whether the request's X-Api-Key holds one of the configured keys (never, when none are).</summary>
    public bool Accepts(HttpRequest request)
    {
        var given = request.Headers[Header].ToString();
        if (given.Length == 0 || keyDigests.Length == 0) return false;
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        bool match = false;
        foreach (var key in keyDigests) match |= CryptographicOperations.FixedTimeEquals(key, digest);
        return match;
    }

    /// <summary>Null when the request may go on; else the answer: 403 when no keys are configured, 401 for a missing or wrong key.</summary>
    public IResult? Refusal(HttpRequest request)
    {
        if (keyDigests.Length == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Changes are disabled",
                detail: "No API keys are configured, so the gallery is read-only. Set Sgraf:ApiKeys (e.g. Sgraf__ApiKeys__0) to allow adds and deletes.");
        if (request.Headers[Header].ToString().Length == 0)
            return Unauthorized($"The {Header} header is missing; this operation needs an API key.");
        return Accepts(request) ? null : Unauthorized($"The {Header} header does not hold a configured API key.");
    }

    static IResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required", detail: detail);
}
