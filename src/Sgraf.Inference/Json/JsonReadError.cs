using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sgraf.Inference.Json;

/// <summary>
/// A System.Text.Json error in the terms of the JSON that was read: where (its JSON path) and what is wrong there, saying
/// what the JSON should look like instead of the .NET type that could not be made ("$.k: must be a whole number", not
/// "could not be converted to System.Nullable`1[System.Int32]").
/// </summary>
/// <param name="Path">Where: <c>$.queries[0]</c>; <c>$</c> for the whole document.</param>
/// <param name="Problem">What is wrong there, as a phrase that follows the path: "must be an array of strings".</param>
/// <param name="IsSyntax">True when the text is not JSON at all (the reader's own words, with its line and byte), false when the JSON does not fit the contract.</param>
public sealed partial record JsonReadError(string Path, string Problem, bool IsSyntax)
{
    /// <summary>What <paramref name="exception"/>, thrown reading a <paramref name="root"/>, says in the JSON's terms.</summary>
    public static JsonReadError From(JsonException exception, Type root, JsonSerializerOptions options)
    {
        if (!options.IsReadOnly) options.MakeReadOnly(populateMissingResolver: true);
        string path = exception.Path ?? "$";
        var steps = JsonPathText.Steps(path);
        // System.Text.Json has no error codes; its messages (English: the tools and the service run with invariant
        // globalization) are the only way to tell these kinds apart. Tests pin each wording.
        string message = exception.Message;
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            var type = steps is null ? null : JsonShapes.TypeAt(root, steps, options);
            return new(path, type is null ? "does not have the type this member needs" : $"must be {JsonShapes.Of(type, options)}{Range(type)}", false);
        }
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = Quoted().Matches(missing.Groups[1].Value).Select(m => m.Groups[1].Value).ToArray();
            return new(path, $"lacks required member{(names.Length == 1 ? "" : "s")} {string.Join(", ", names)}", false);
        }
        return new(path, Syntax(exception), true);
    }

    /// <summary>One line: "<c>$.k: must be a whole number</c>", or for malformed JSON the reader's words and where.</summary>
    public override string ToString() => IsSyntax ? $"malformed JSON: {Problem}" : $"{Path}: {Problem}";

    /// <summary>For an integer type, its range: a number too large for it gives the same error as a string.</summary>
    static string Range(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive && type != typeof(bool) && type != typeof(char) && type != typeof(float) && type != typeof(double)
               && type.GetField("MinValue")?.GetValue(null) is { } min && type.GetField("MaxValue")?.GetValue(null) is { } max
            ? FormattableString.Invariant($" from {min} to {max}")
            : "";
    }

    /// <summary>The reader's message without its internal appendix and advice meant for programmers, with the place made 1-based.</summary>
    static string Syntax(JsonException exception)
    {
        string text = exception.Message;
        // Reading a stream (as ASP.NET Core does) leaves LineNumber unset; the message's appendix still has the place.
        var place = Place().Match(text);
        long? line = exception.LineNumber ?? (place.Success ? long.Parse(place.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null);
        long? column = exception.BytePositionInLine ?? (place.Success ? long.Parse(place.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : null);
        int appendix = text.IndexOf(" Path: ", StringComparison.Ordinal);
        if (appendix < 0) appendix = text.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        if (appendix >= 0) text = text[..appendix];
        text = text.Replace(" Change the reader options.", "", StringComparison.Ordinal).Trim();
        return line is { } l && column is { } c ? $"{text} (line {l + 1}, byte {c + 1})" : text;
    }

    [GeneratedRegex(@"LineNumber: (\d+) \| BytePositionInLine: (\d+)")]
    private static partial Regex Place();

    [GeneratedRegex(@"missing required properties including: (.*)$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();
}
