using System.Text.Json;
using Sgraf.Api.Validation;
using Sgraf.Inference.Json;

namespace Sgraf.Api.Errors;

/// <summary>
/// A request body member that is unknown or given twice (StrictRequestJson), said in the request's terms: its JSON path,
/// and for an unknown one the members its object has. System.Text.Json's messages name .NET types instead.
/// </summary>
/// <param name="Path">Where the member is: <c>$.queries[0].regoins</c>.</param>
/// <param name="Member">The member's name as sent.</param>
/// <param name="Unknown">True for a member the contract lacks, false for one given twice.</param>
/// <param name="Message">What is wrong, for problem details' <c>errors</c>.</param>
public sealed record JsonMemberError(string Path, string Member, bool Unknown, string Message)
{
    /// <summary>The error <paramref name="exception"/> reports, or null when it is about something else (syntax, a value's type).</summary>
    /// <param name="requestType">The body's type, to list the members of the object holding an unknown one; null: not listed.</param>
    public static JsonMemberError? From(JsonException exception, Type? requestType, JsonSerializerOptions options)
    {
        if (exception.Path is not { } path) return null;
        if (exception is RepeatedJsonMemberException repeated)
            return new(path + repeated.PathWithin, repeated.Member, false, "is given twice in one object; give each member once");

        // System.Text.Json has no error codes; its messages (English: the service runs with invariant globalization) are
        // the only way to tell these two from other JSON errors (JsonReadError's). Tests pin both wordings.
        bool unknown = exception.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal);
        bool duplicate = exception.Message.StartsWith("Duplicate property '", StringComparison.Ordinal);
        if (!unknown && !duplicate || JsonPathText.Steps(path) is not { Count: > 0 } steps || steps[^1].Name is not { } member) return null;

        string matching = options.PropertyNameCaseInsensitive ? " (names match ignoring case)" : "";
        if (duplicate) return new(path, member, false, $"is given more than once{matching}; give each member once");
        var owner = requestType is null ? null : JsonShapes.TypeAt(requestType, steps.Take(steps.Count - 1), options);
        var members = owner is null ? null : JsonShapes.Members(owner, options);
        string where = steps.Count == 1 ? "the request" : JsonPathText.ErrorKey(JsonPathText.Format(steps.Take(steps.Count - 1)));
        return new(path, member, true, members is null
            ? $"is not a member of {where}"
            : $"is not a member of {where}, whose members are {string.Join(", ", members)}{matching}");
    }

    /// <summary>The key of this error in problem details' <c>errors</c>, as the service's other errors name places.</summary>
    public string Key => JsonPathText.ErrorKey(Path);
}
