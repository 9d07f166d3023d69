using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Routing;

namespace Sgraf.Api.Errors;

/// <summary>
/// Problem details for the errors the framework answers with a bare status, saying what they were about: no endpoint
/// (404), a method the route does not answer (405), a body of a content type it does not read (415), a body Kestrel could
/// not read (400) or that is too large (413).
/// Kestrel's own rejections of a malformed request (bad request line, NUL in the target, URI or headers too long) are
/// written before any middleware runs and stay bare: see docs/deployment.md, "Errors".
/// </summary>
public static class StatusCodeProblems
{
    /// <summary>For UseStatusCodePages: a response that ended with an error status and no body.</summary>
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var problem = new ProblemDetails { Status = http.Response.StatusCode };
        string request = $"{http.Request.Method} {http.Request.Path}";
        switch (problem.Status)
        {
            case StatusCodes.Status404NotFound:
                problem.Title = "Nothing answers this path";
                problem.Detail = $"No endpoint answers {request}." + (SwaggerShown(http) ? " The endpoints are listed at /swagger." : " The endpoints are listed in the README.");
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                problem.Title = "The body's content type is not accepted here";
                var accepted = AcceptedContentTypes.For(http);
                string sent = http.Request.ContentType is { Length: > 0 } type ? $"the request's Content-Type is {type}" : "the request has no Content-Type";
                problem.Detail = accepted.Count > 0
                    ? $"{request} reads {string.Join(" or ", accepted)}; {sent}. Send the body with Content-Type: {accepted[0]}. Nothing was changed."
                    : $"{request} does not read bodies of this type; {sent}. Nothing was changed.";
                break;
            case StatusCodes.Status405MethodNotAllowed:
                problem.Detail = $"{http.Request.Path} does not answer {http.Request.Method}; it answers {http.Response.Headers.Allow} (see the Allow header).";
                break;
            // Other 400s are thrown (ThrowOnBadRequest) and answered with their reason by ProblemExceptionHandler; a bare one
            // is the body reader's: it swallows the I/O error of a body that is not valid HTTP, and its reason is not kept.
            case StatusCodes.Status400BadRequest when http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true:
                problem.Title = "The request body could not be read";
                problem.Detail = $"The body of {request} is not valid HTTP: a malformed chunked encoding, or a connection that ended before the body did. Nothing was changed.";
                break;
        }
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        // A client that accepts no JSON gets the detail as text.
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(problem.Detail ?? $"Status code {problem.Status}");
        }
    }

    /// <summary>
    /// For CustomizeProblemDetails: a 413 says the limit and the setting behind it (the route's <see cref="BodyLimit"/>;
    /// without one, the server-wide Sgraf:Limits:MaxSearchBodyBytes), whether Kestrel stopped the read or a handler answered it.
    /// </summary>
    public static void DescribeTooLarge(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status != StatusCodes.Status413PayloadTooLarge) return;
        var http = context.HttpContext;
        long? limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        // The exception handler clears the request's endpoint before answering; its feature keeps it.
        var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        string setting = endpoint?.Metadata.GetMetadata<BodyLimit>()?.Setting ?? "Sgraf:Limits:MaxSearchBodyBytes";
        context.ProblemDetails.Title = "The request body is too large";
        context.ProblemDetails.Detail = $"The body exceeds this endpoint's limit of {limit} bytes ({setting}). Send fewer items or queries per request. Nothing was changed.";
    }

    static bool SwaggerShown(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.SwaggerShown(http.RequestServices.GetRequiredService<IHostEnvironment>());
}
