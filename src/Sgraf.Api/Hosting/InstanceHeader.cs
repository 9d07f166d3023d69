namespace Sgraf.Api.Hosting;

/// <summary>
/// Names the replica that answered in every response (X-Sgraf-Instance), so operators and tests behind a load
/// balancer can tell replicas apart: Sgraf:InstanceName, or an opaque id drawn at start, which the start-up log line
/// ties to the host and process. Never the host name or process id themselves: they tell outsiders about the machine.
/// </summary>
public static partial class InstanceHeader
{
    public const string Name = "X-Sgraf-Instance";

    public static WebApplication UseInstanceHeader(this WebApplication app)
    {
        var instance = app.Configuration["Sgraf:InstanceName"] is { Length: > 0 } name ? name : System.Security.Cryptography.RandomNumberGenerator.GetHexString(8, lowercase: true);
        LogInstance(app.Logger, instance, Environment.MachineName, Environment.ProcessId);
        app.Use((context, next) =>
        {
            // Set as the response starts: the exception handler clears headers set before it answers.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[Name] = instance;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Answering as instance {Instance} (X-Sgraf-Instance) on host {Host}, process {ProcessId}")]
    static partial void LogInstance(ILogger logger, string instance, string host, int processId);
}
