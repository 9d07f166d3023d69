using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace Sgraf.Api.Hosting;

/// <summary>
/// Escapes control characters in every string a log event carries, at any depth, before any sink writes it: CR, LF and
/// the rest of Unicode Cc, line and paragraph separators, and format characters such as bidi overrides. Request data (a
/// path, an id) then cannot start a line of its own in the plain-text log and pass for an entry of ours
/// (<c>GET /captions/x%0D%0A[23:59:59 INF] …</c>). \r, \n and \t are written as such, the others as \uXXXX.
/// </summary>
public sealed class LogValueEscaping : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? escaped = null;
        foreach (var (name, value) in logEvent.Properties)
            if (Escape(value) is var safe && !ReferenceEquals(safe, value)) (escaped ??= []).Add(new LogEventProperty(name, safe));
        foreach (var property in escaped ?? []) logEvent.AddOrUpdateProperty(property);
    }

    /// <summary><paramref name="value"/> with its strings escaped; the same instance when none needed it.</summary>
    static LogEventPropertyValue Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when Escape(text) is var safe && !ReferenceEquals(safe, text):
                return new ScalarValue(safe);
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(Escape).ToArray();
                return elements.SequenceEqual(sequence.Elements) ? value : new SequenceValue(elements);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new LogEventProperty(p.Name, Escape(p.Value))).ToArray();
                return properties.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value))
                    ? value : new StructureValue(properties, structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => KeyValuePair.Create((ScalarValue)Escape(e.Key), Escape(e.Value))).ToArray();
                return entries.SequenceEqual(dictionary.Elements) ? value : new DictionaryValue(entries);
            default:
                return value;
        }
    }

    /// <summary><paramref name="text"/> with its control, separator and format characters escaped; the same instance when it has none.</summary>
    public static string Escape(string text)
    {
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first])) first++;
        if (first == text.Length) return text;
        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        foreach (char c in text.AsSpan(first))
        {
            if (!NeedsEscape(c)) escaped.Append(c);
            else escaped.Append(c switch { '\r' => @"\r", '\n' => @"\n", '\t' => @"\t", _ => $@"\u{(int)c:X4}" });
        }
        return escaped.ToString();
    }

    static bool NeedsEscape(char c) => char.IsControl(c) || (c > '\u007f' && char.GetUnicodeCategory(c)
        is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format);
}
