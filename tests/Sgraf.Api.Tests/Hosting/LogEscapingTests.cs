using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Sgraf.Api.Hosting;

namespace Sgraf.Api.Tests.Hosting;

/// <summary>
/// Request data in a log event cannot start a line that passes for an entry (issue 17, item 9): values at any depth
/// have their control characters escaped, and an exception's text is indented below its entry.
/// </summary>
public sealed class LogEscapingTests
{
    const string Forged = "x\r\n[23:59:59 INF] Sgraf.Api: fake entry";

    [Fact]
    public void Strings_are_escaped_at_any_depth_and_other_values_kept()
    {
        var text = Render(new Serilog.Formatting.Display.MessageTemplateTextFormatter("{Message:lj}{NewLine}"),
            log => log.Information("Path {Path} ids {@Ids} item {@Item} tags {@Tags} count {Count}", Forged, new[] { "a\nb", "ok" },
                new Item("c\u202Ed"), new Dictionary<string, string> { ["k\r"] = "v\t" }, 3));

        // Nested strings are rendered as JSON (:j), whose own escaping doubles the backslash of ours.
        Assert.Equal(
            """Path x\r\n[23:59:59 INF] Sgraf.Api: fake entry ids ["a\\nb","ok"] item {"Id":"c\\u202Ed","$type":"Item"} tags {"k\\r":"v\\t"} count 3""" + Environment.NewLine,
            text);
    }

    sealed record Item(string Id);

    [Fact]
    public void The_plain_text_log_keeps_each_entry_on_one_line_and_indents_an_exceptions_text()
    {
        var text = Render(new PlainTextLogFormatter(), log => log.Error(new InvalidOperationException(Forged), "Failed on {Id}", Forged));

        var lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d ERR\] : Failed on x\\r\\n\[23:59:59 INF\] Sgraf.Api: fake entry$", lines[0]);
        Assert.Equal(@"    System.InvalidOperationException: x", lines[1]);
        Assert.Equal(@"    [23:59:59 INF] Sgraf.Api: fake entry", lines[2]);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("    ", l));
        Assert.DoesNotContain('\r', text.Replace(Environment.NewLine, "\n"));
    }

    [Fact]
    public void The_json_log_holds_the_escaped_values()
    {
        var text = Render(new RenderedCompactJsonFormatter(), log => log.Information("Path {Path}", Forged));

        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(@"""Path"":""x\\r\\n[23:59:59 INF] Sgraf.Api: fake entry""", text);
    }

    /// <summary>What <paramref name="formatter"/> writes for the events <paramref name="write"/> logs through the service's escaping.</summary>
    static string Render(Serilog.Formatting.ITextFormatter formatter, Action<Serilog.ILogger> write)
    {
        var output = new StringWriter();
        using (var logger = new LoggerConfiguration().Enrich.With<LogValueEscaping>().WriteTo.Sink(new FormattingSink(formatter, output)).CreateLogger())
            write(logger);
        return output.ToString();
    }

    sealed class FormattingSink(Serilog.Formatting.ITextFormatter formatter, TextWriter output) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }
}
