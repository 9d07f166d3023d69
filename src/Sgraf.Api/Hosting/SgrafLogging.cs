using Serilog;
using Serilog.Formatting.Compact;

namespace Sgraf.Api.Hosting;

/// <summary>Serilog: plain console lines for people, compact JSON (Sgraf:JsonLogs) for containers and log shippers.</summary>
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
                .Enrich.FromLogContext();
            if (json) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        });
        return builder;
    }
}
