using Sgraf.Api.Health;

namespace Sgraf.Api.Hosting;

/// <summary>
/// How a start-up that cannot reach ready ends: its reason logged and shown by /health/ready, exit code 1, and the
/// process stopped — a half-started service is not served.
/// </summary>
public static partial class StartupFailure
{
    public static void Stop(Exception failure, ServiceReadiness readiness, IHostApplicationLifetime lifetime, ILogger logger)
    {
        readiness.Report(StartupStage.Failed, failure.Message);
        LogFailed(logger, failure, failure.Message);
        Environment.ExitCode = 1;
        // Stopping while the host is still starting can race its start-up; stop once it has started.
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up failed, stopping: {Reason}")]
    static partial void LogFailed(ILogger logger, Exception exception, string reason);
}
