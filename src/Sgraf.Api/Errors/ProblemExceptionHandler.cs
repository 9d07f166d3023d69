using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
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
            RequestValidationException e => new HttpValidationProblemDetails(e.Errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid",
                Detail = "See 'errors': each JSON path names what is wrong there. Nothing was changed.",
            },
            // Thrown for a body that cannot be read and for a query or route value that cannot be bound.
            BadHttpRequestException e => RequestReadProblems.Describe(e, context, json.Value.SerializerOptions),
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered {Path} with 503: {Reason}")]
    static partial void LogNotReady(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error answering {Path}")]
    static partial void LogUnexpected(ILogger logger, Exception exception, string path);
}
