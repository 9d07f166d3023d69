namespace Sgraf.Api.Hosting;

/// <summary>
/// Names the replica that answered in every response (X-Sgraf-Instance), so operators and tests behind a load
/// balancer can tell replicas apart. Sgraf:InstanceName, or host name and process id.
/// </summary>
public static class InstanceHeader
{
    public const string Name = "X-Sgraf-Instance";

    public static IApplicationBuilder UseInstanceHeader(this IApplicationBuilder app, IConfiguration configuration)
    {
        var instance = configuration["Sgraf:InstanceName"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}";
        return app.Use((context, next) =>
        {
            context.Response.Headers[Name] = instance;
            return next(context);
        });
    }
}
