namespace Sgraf.Api.Hosting;

/// <summary>
/// Start-up work (gallery restore, demo load, warm-up) waits until the server listens. When it cannot (an address in
/// use), the host is disposed at once; work already inside ONNX Runtime then had its sessions disposed under it and the
/// process ended with a segmentation fault (exit 139) instead of the one-line message and exit 1.
/// </summary>
public static class ServerListening
{
    public static async Task WaitAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }
}
