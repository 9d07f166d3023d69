using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sgraf.Inference.Json;

namespace Sgraf.Tools;

/// <summary>
/// A command line that does not parse gets one line per problem on stderr (<c>error: --train: 'abc' is not a whole
/// number</c>) and exit code 2, the usual exit code for wrong usage: not the whole help on stdout followed by the parser's
/// own words, which name .NET types ("as expected type 'System.Int32'").
/// </summary>
internal static partial class CommandLineErrors
{
    public const int UsageError = 2;

    /// <summary>Runs the command <paramref name="parse"/> found, or says what did not parse.</summary>
    public static int Invoke(ParseResult parse)
    {
        if (parse.Errors.Count == 0) return parse.Invoke();
        foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {Say(error)}");
        Console.Error.WriteLine($"({string.Join(' ', Path(parse.CommandResult))} --help lists the options)");
        return UsageError;
    }

    /// <summary>The error in the command line's terms: the option, the value given and what it must be.</summary>
    public static string Say(ParseError error)
    {
        if (CannotParse().Match(error.Message) is not { Success: true } match) return error.Message;
        var type = error.SymbolResult switch
        {
            OptionResult option => option.Option.ValueType,
            ArgumentResult argument => argument.Argument.ValueType,
            _ => null,
        };
        return $"{match.Groups["name"].Value}: '{match.Groups["value"].Value}' is not {(type is null ? "a valid value" : Kind(type))}";
    }

    static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        // The JSON words for numbers and true/false are the command line's too; anything else has no short name.
        var kind = JsonShapes.Of(type, JsonSerializerOptions.Default);
        return kind.StartsWith("an object", StringComparison.Ordinal) || kind.StartsWith("an array", StringComparison.Ordinal) ? "a valid value" : kind;
    }

    static IEnumerable<string> Path(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null; r = r.Parent)
            if (r is CommandResult command) names.Push(command.Command.Name); // the root's is the tool's file name: sgraf
        return names;
    }

    // System.CommandLine's words (English; the tools run with invariant globalization): tests pin them.
    [GeneratedRegex("""^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<name>[^']*)' as expected type '[^']*'\.?$""", RegexOptions.Singleline)]
    private static partial Regex CannotParse();
}
