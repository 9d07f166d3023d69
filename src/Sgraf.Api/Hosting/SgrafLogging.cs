using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Sgraf.Api.Hosting;

/// <summary>
/// Serilog: plain console lines for people, compact JSON (Sgraf:JsonLogs) for containers and log shippers; in both,
/// control characters in logged values are escaped (<see cref="LogValueEscaping"/>), so request data cannot forge lines.
/// One line per request, at a level that says whether someone should look.
/// </summary>
public static class SgrafLogging
{
    public static WebApplicationBuilder AddSgrafLogging(this WebApplicationBuilder builder)
    {
        bool json = builder.Configuration.GetValue<bool>("Sgraf:JsonLogs");
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                // A silo logs every connection and every placement retry at Information; our shard logs say what matters.
                .MinimumLevel.Override("Orleans", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", Serilog.Events.LogEventLevel.Warning)
                // An address in use is said in one line by ServiceRun; the host's own entry would repeat it with a stack trace.
                .Filter.ByExcluding(e => ServiceRun.IsAddressInUse(e.Exception))
                .Enrich.FromLogContext()
                // Last: escapes what the enrichers before it added too.
                .Enrich.With<LogValueEscaping>();
            if (json) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            else logger.WriteTo.Console(new PlainTextLogFormatter());
        });
        return builder;
    }

    /// <summary>Serilog's request log: one line per request with its status and time.</summary>
    public static WebApplication UseSgrafRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options => options.GetLevel = RequestLevel);
        return app;
    }

    /// <summary>
    /// Error for a failed request (5xx, or an exception), Information otherwise. A 503 from /health/ready is not a failure:
    /// it is the answer while the service starts, and orchestrators poll it every second until then.
    /// </summary>
    public static LogEventLevel RequestLevel(HttpContext context, double elapsedMilliseconds, Exception? exception) =>
        exception is null && (context.Response.StatusCode < 500 || IsReadinessAnswer(context)) ? LogEventLevel.Information : LogEventLevel.Error;

    static bool IsReadinessAnswer(HttpContext context) =>
        context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable
        && context.Request.Path.Equals("/health/ready", StringComparison.OrdinalIgnoreCase);
}
