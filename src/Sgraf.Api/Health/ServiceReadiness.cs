using Sgraf.Api.Gallery;

namespace Sgraf.Api.Health;

/// <summary>Start-up stages; the service is ready (for /health/ready and for requests) only at <see cref="Ready"/>.</summary>
public enum StartupStage
{
    Starting,
    RestoringGallery,
    LoadingDemoGallery,
    WarmingUp,
    Ready,
    Failed,
}

/// <summary>Where start-up is, for /health/ready and for refusing gallery requests before it is done.</summary>
public sealed class ServiceReadiness
{
    volatile StartupState state = new(StartupStage.Starting, "starting");

    public sealed record StartupState(StartupStage Stage, string Detail);

    public StartupState State => state;

    public bool IsReady => state.Stage == StartupStage.Ready;

    public void Report(StartupStage stage, string detail) => state = new StartupState(stage, detail);

    /// <exception cref="ServiceNotReadyException">Not ready.</exception>
    public void ThrowIfNotReady()
    {
        var current = state;
        if (current.Stage != StartupStage.Ready) throw new ServiceNotReadyException($"{current.Stage}: {current.Detail}");
    }
}
