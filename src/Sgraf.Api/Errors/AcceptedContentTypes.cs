using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace Sgraf.Api.Errors;

/// <summary>
/// The body content types a request's path and method are read with, for a 415 to name. Routing rejects a content type
/// before it selects an endpoint, so the request usually has none: the endpoints whose route and method match are found
/// here instead, with the accepts metadata each declares.
/// </summary>
public static class AcceptedContentTypes
{
    public static IReadOnlyList<string> For(HttpContext http)
    {
        var selected = http.GetEndpoint() is { } endpoint ? [endpoint] : Matching(http).ToList();
        var declared = selected.SelectMany(e => e.Metadata.GetOrderedMetadata<IAcceptsMetadata>())
            .SelectMany(m => m.ContentTypes).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        // The JSON endpoints read their bodies with the strict reader (Validation/StrictRequestJson), which declares no
        // accepts metadata; every body this service reads without declaring it is JSON.
        return declared.Count == 0 && selected.Count > 0 ? [JsonType] : declared;
    }

    const string JsonType = "application/json";

    static IEnumerable<Endpoint> Matching(HttpContext http)
    {
        var sources = http.RequestServices.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is not null && !methods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase)) continue;
            if (endpoint.RoutePattern.RawText is not { } pattern) continue;
            var matcher = new TemplateMatcher(TemplateParser.Parse(pattern), new RouteValueDictionary());
            if (matcher.TryMatch(http.Request.Path, new RouteValueDictionary())) yield return endpoint;
        }
    }
}
