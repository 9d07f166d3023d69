namespace Sgraf.Inference.Json;

/// <summary>
/// JSON paths as System.Text.Json writes them in JsonException.Path: <c>$.queries[0].id</c>, with a name that is not a
/// plain identifier in brackets (<c>$['a.b']</c>). Read back into their steps, to name a member and walk the contract.
/// </summary>
public static class JsonPathText
{
    // The characters for which System.Text.Json writes a name in brackets; it does not escape the name inside them.
    static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create(". '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    /// <summary>One step of a path: a member name, or an array index when <see cref="Index"/> is set.</summary>
    public readonly record struct Step(string? Name, int? Index);

    /// <summary>The path text for member <paramref name="name"/>: <c>.name</c>, or <c>['a.b']</c> when it needs quoting.</summary>
    public static string Member(string name) => name.AsSpan().IndexOfAny(Special) < 0 ? "." + name : $"['{name}']";

    /// <summary>The steps of <paramref name="path"/> after its <c>$</c>; null when it is not a path in that form.</summary>
    public static IReadOnlyList<Step>? Steps(string path)
    {
        if (!path.StartsWith('$')) return null;
        var steps = new List<Step>();
        int i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '[')) end++;
                if (end == i + 1) return null;
                steps.Add(new Step(path[(i + 1)..end], null));
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) return null;
                steps.Add(new Step(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out int index)) return null;
                steps.Add(new Step(null, index));
                i = end + 1;
            }
            else return null;
        }
        return steps;
    }

    /// <summary>The path of <paramref name="steps"/>, from <c>$</c>.</summary>
    public static string Format(IEnumerable<Step> steps) =>
        "$" + string.Concat(steps.Select(step => step.Name is { } name ? Member(name) : $"[{step.Index}]"));

    /// <summary>The path as the service's validation errors name places: without the leading <c>$</c> and dot (<c>queries[0].id</c>).</summary>
    public static string ErrorKey(string path) => path.TrimStart('$').TrimStart('.') is { Length: > 0 } key ? key : "$";
}
