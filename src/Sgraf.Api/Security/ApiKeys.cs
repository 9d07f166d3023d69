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

    /// <summary>
    /// Null when the request may go on; else the answer: 403 when no keys are configured (no key could help), 401 for a
    /// missing key ("API key required") and for a wrong one ("API key not accepted"). A wrong key is 401, not 403, as
    /// RFC 9110 has it and as GitHub's, Stripe's and OpenAI's APIs answer: 403 would say "you are known, but may not",
    /// and a key here is no identity with rights, only right or wrong; clients (the page too) ask for a key on 401.
    /// </summary>
    public IResult? Refusal(HttpRequest request)
    {
        if (keyDigests.Length == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Changes are disabled",
                detail: "No API keys are configured, so the gallery is read-only. Set Sgraf:ApiKeys (e.g. Sgraf__ApiKeys__0) to allow adds and deletes.");
        if (request.Headers[Header].ToString().Length == 0)
            return Unauthorized("API key required", $"The {Header} header is missing; this operation needs an API key.");
        return Accepts(request) ? null
            : Unauthorized("API key not accepted", $"The {Header} header holds a key that is not one of this service's keys (Sgraf:ApiKeys); check it for typos.");
    }

    static IResult Unauthorized(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: title, detail: detail);
}
