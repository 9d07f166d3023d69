using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Sgraf.Inference.Json;

namespace Sgraf.Api.Errors;

/// <summary>
/// A request the framework could not read (BadHttpRequestException), said in the request's terms: which member or
/// parameter, and what the JSON or value should look like — never the .NET type that could not be made, nor the framework's
/// advice to programmers ("Implicit body inferred for parameter…").
/// </summary>
public static partial class RequestReadProblems
{
    public static ProblemDetails Describe(BadHttpRequestException exception, HttpContext context, JsonSerializerOptions options)
    {
        // The exception handler middleware clears the request's endpoint before handlers run; its feature keeps it.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        string request = $"{context.Request.Method} {context.Request.Path}";
        if (exception.InnerException is JsonException json)
        {
            if (JsonMemberError.From(json, bodyType, options) is { } member)
                return Invalid(member.Key, member.Message, $"{(member.Unknown ? "Unknown member" : "Repeated member")} '{member.Member}' at {member.Path} (see 'errors').");
            if (bodyType is not null && JsonReadError.From(json, bodyType, options) is { IsSyntax: false } value)
                return Invalid(JsonPathText.ErrorKey(value.Path), value.Problem, $"{JsonPathText.ErrorKey(value.Path)} {value.Problem} (see 'errors').");
            return Unreadable("The request body is not valid JSON", $"Malformed JSON: {JsonReadError.From(json, bodyType ?? typeof(JsonElement), options).Problem}. Nothing was changed.");
        }
        if (NoBody(exception.Message) && bodyType is not null)
            return Unreadable("The request has no body", $"The body is empty (or null); {request} reads {JsonShapes.Of(bodyType, options)}. Nothing was changed.");
        if (BindFailure().Match(exception.Message) is { Success: true } bind)
        {
            string name = bind.Groups["name"].Value, value = bind.Groups["value"].Value;
            var type = endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters().FirstOrDefault(p => p.Name == name)?.ParameterType;
            return Invalid(name, $"is '{value}'; it must be {(type is null ? "a value of another kind" : JsonShapes.Of(type, options))}", $"{name} is '{value}' (see 'errors').");
        }
        // The body's read failed for another reason (a dropped connection, a body too large): Kestrel's words name no types.
        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Title = "The request could not be read",
            Detail = exception.InnerException is { } inner ? $"{exception.Message} {inner.Message}" : exception.Message,
        };
    }

    // ASP.NET Core's words for a JSON body parameter without a body: "Implicit body inferred for parameter "request" but no body
    // was provided." (a body of JSON null too), or with [FromBody] "Required parameter "T request" was not provided from body."
    static bool NoBody(string message) =>
        message.StartsWith("Implicit body inferred for parameter", StringComparison.Ordinal)
        || message.StartsWith("Required parameter", StringComparison.Ordinal) && message.Contains("from body", StringComparison.Ordinal);

    // ASP.NET Core's words for a query or route value that does not parse: Failed to bind parameter "int offset" from "abc".
    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    static HttpValidationProblemDetails Invalid(string key, string problem, string detail) =>
        new(new Dictionary<string, string[]> { [key] = [problem] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid",
            Detail = $"{detail} Nothing was changed.",
        };

    static ProblemDetails Unreadable(string title, string detail) =>
        new() { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail };
}
