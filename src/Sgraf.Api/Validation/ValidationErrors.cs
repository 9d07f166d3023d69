namespace Sgraf.Api.Validation;

/// <summary>Collects what is wrong with a request, by JSON path (e.g. <c>images[3].regions[12]</c>), so one answer lists every problem.</summary>
public sealed class ValidationErrors
{
    // Enough to say what is wrong without turning a 10,000-item request into a megabyte of errors.
    const int MaxErrors = 50;

    readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);
    int count;

    public bool Any => count > 0;

    public void Add(string path, string message)
    {
        if (++count > MaxErrors) return;
        if (!errors.TryGetValue(path, out var list)) errors[path] = list = [];
        list.Add(message);
    }

    /// <exception cref="RequestValidationException">When anything was added.</exception>
    public void ThrowIfAny()
    {
        if (Any) throw new RequestValidationException(ToDictionary());
    }

    /// <summary>Each path and what is wrong there, as problem details' <c>errors</c> lists them.</summary>
    public Dictionary<string, string[]> ToDictionary()
    {
        var result = errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        if (count > MaxErrors) result["$"] = [$"{count} problems in all; the first {MaxErrors} are listed"];
        return result;
    }
}
