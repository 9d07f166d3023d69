namespace Sgraf.Api.Validation;

/// <summary>A request that cannot be served as sent; <see cref="Errors"/> maps each JSON path to what is wrong there. Answered with 400.</summary>
public sealed class RequestValidationException(IDictionary<string, string[]> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public static RequestValidationException At(string path, string message) => new(new Dictionary<string, string[]> { [path] = [message] });
}
