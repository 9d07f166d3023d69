using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Sgraf.Api.Hosting;

/// <summary>
/// The plain-text log: <c>[12:00:00 INF] Source: message</c>, then an exception's text with every line indented and its
/// control characters escaped (<see cref="LogValueEscaping.Escape(string)"/>), so that an exception's message, which may quote
/// request data, cannot start a line that passes for an entry. Serilog.Sinks.Console's template renderer cannot indent
/// an exception, so the console gets this formatter, without a colour theme.
/// </summary>
public sealed class PlainTextLogFormatter : ITextFormatter
{
    const string Indent = "    ";

    readonly MessageTemplateTextFormatter entry = new("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}");

    public void Format(LogEvent logEvent, TextWriter output)
    {
        entry.Format(logEvent, output);
        if (logEvent.Exception is not { } exception) return;
        foreach (var line in exception.ToString().ReplaceLineEndings("\n").Split('\n'))
        {
            output.Write(Indent);
            output.Write(LogValueEscaping.Escape(line));
            output.WriteLine();
        }
    }
}
