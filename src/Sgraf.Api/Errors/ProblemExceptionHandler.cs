using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sgraf.Api.Batching;
using Sgraf.Api.Gallery;
using Sgraf.Api.Health;
using Sgraf.Api.Search;
using Sgraf.Api.Validation;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Sgraf.Api.Errors;

/// <summary>
/// Turns what went wrong into application/problem+json: bad input (validation, malformed JSON, an unknown or repeated
/// member, body too large) into 400/413 saying what and where; a full batch queue or admission lane, or a service still
/// starting, into 503 with Retry-After (a lane's from how fast it drains); anything else into 500. Problem details never
/// carry internals (paths, endpoints, exception types): the log has them, under the response's traceId.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, IOptions<HttpJsonOptions> json, ServiceReadiness readiness,
    ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException e } when MemberError(context, e) is { } member => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [member.Key] = [member.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid",
                Detail = $"{(member.Unknown ? "Unknown member" : "Repeated member")} '{member.Member}' at {member.Path} (see 'errors'). Nothing was changed.",
            },
            RequestValidationException e => new HttpValidationProblemDetails(e.Errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid",
                Detail = "See 'errors': each JSON path names what is wrong there. Nothing was changed.",
            },
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                // Thrown for a body that cannot be read and for a query or route value that cannot be bound.
                Title = "The request could not be read",
                Detail = Describe(e),
            },
            BatcherQueueFullException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The search queue is full",
                Detail = "Too many searches are waiting; retry after the time in Retry-After.",
            },
            SearchBusyException e => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = $"The {e.Lane} searches' lane is full",
                Detail = e.Message,
            },
            ServiceNotReadyException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is not ready",
                // The exception's own message may name the store, Redis endpoint or an Orleans exception: logged, not sent.
                Detail = readiness.IsReady
                    ? "Part of the gallery cannot answer now (a shard is recovering or moving); retry after the time in Retry-After. The service's log has the reason under this traceId."
                    : $"The service is not ready ({HealthEndpoints.Reason(readiness.State.Stage)}); retry after the time in Retry-After.",
            },
            GalleryItemGoneException e => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "A queried item was deleted",
                Detail = e.Message,
            },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "The service failed to answer",
                Detail = "An unexpected error occurred; it was logged with this request's trace id.",
            },
        };
        if (problem.Status == StatusCodes.Status500InternalServerError) LogUnexpected(logger, exception, context.Request.Path);
        if (exception is ServiceNotReadyException) LogNotReady(logger, context.Request.Path, exception.Message);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = exception is SearchBusyException busy ? ((int)Math.Ceiling(busy.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "1";
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>An unknown or repeated member of the body of the endpoint that was reading it, or null for other JSON errors.</summary>
    JsonMemberError? MemberError(HttpContext context, JsonException exception)
    {
        // The exception handler middleware clears the request's endpoint before handlers run; its feature keeps it.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        return JsonMemberError.From(exception, endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType, json.Value.SerializerOptions);
    }

    /// <summary>The JSON reader's own words (they give the path, line and byte), or the reason the body could not be read.</summary>
    static string Describe(BadHttpRequestException e) => e.InnerException switch
    {
        JsonException json => $"Malformed JSON: {json.Message}",
        { } inner => $"{e.Message} {inner.Message}",
        _ => e.Message,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered {Path} with 503: {Reason}")]
    static partial void LogNotReady(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error answering {Path}")]
    static partial void LogUnexpected(ILogger logger, Exception exception, string path);
}
