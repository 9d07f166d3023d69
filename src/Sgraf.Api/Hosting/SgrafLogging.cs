using Serilog;
using Serilog.Formatting.Compact;

namespace Sgraf.Api.Hosting;

/// <summary>
/// Serilog: plain console lines for people, compact JSON (Sgraf:JsonLogs) for containers and log shippers; in both,
/// control characters in logged values are escaped (<see cref="LogValueEscaping"/>), so request data cannot forge lines.
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
                .Enrich.FromLogContext()
                // Last: escapes what the enrichers before it added too.
                .Enrich.With<LogValueEscaping>();
            if (json) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            else logger.WriteTo.Console(new PlainTextLogFormatter());
        });
        return builder;
    }
}
