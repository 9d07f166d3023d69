namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>Redis itself killed with SIGKILL: its own server, since the other tests must not see it die.</summary>
public sealed class RedisCrashTests : IDisposable
{
    private readonly RedisServerProcess _redis = new();

    [Fact]
    public async Task Every_acknowledged_append_survives_kill_9_of_redis_and_the_replica_resumes()
    {
        await using var writer = await Replica.StartAsync(_redis.Configuration, "crash");
        var acknowledged = new List<string>();
        using var stop = new CancellationTokenSource();
        Task writing = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await writer.AddImagesAsync($"image-{i}");
                    lock (acknowledged) acknowledged.Add($"image-{i}");
                }
                catch (Exception)
                {
                    // Redis is down: this add was not acknowledged, and is not expected back. Try the next one.
                    await Task.Delay(50);
                }
            }
        });

        while (Count(acknowledged) < 200) await Task.Delay(10);
        _redis.Kill();
        int acknowledgedBeforeKill = Count(acknowledged);
        await Task.Delay(500);
        _redis.Start();

        // The writing replica reconnects by itself and its adds succeed again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Count(acknowledged) < acknowledgedBeforeKill + 50 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await stop.CancelAsync();
        await writing;
        Assert.True(Count(acknowledged) >= acknowledgedBeforeKill + 50, "adds did not succeed again after Redis restarted");

        await using var reader = await Replica.StartAsync(_redis.Configuration, "crash");
        var stored = reader.Applied.Ids.ToHashSet();
        lock (acknowledged)
        {
            Assert.All(acknowledged, id => Assert.Contains(id, stored));
        }
        // Adds whose reply the kill cut off may be stored too; the writer applies them as it follows.
        await writer.Applied.WaitForAsync(stored.Count);
        Assert.Equal(reader.Applied.Ids, writer.Applied.Ids);
    }

    [Fact]
    public async Task A_replica_started_while_redis_is_down_waits_for_it()
    {
        _redis.Kill();

        Task<Replica> starting = Replica.StartAsync(_redis.Configuration, "late");
        await Task.Delay(1000);
        Assert.False(starting.IsCompleted, "the store started without Redis");
        _redis.Start();

        await using var replica = await starting;
        await replica.AddImagesAsync("cat");
        Assert.Equal(["cat"], replica.Applied.Ids);
    }

    private static int Count(List<string> acknowledged)
    {
        lock (acknowledged) return acknowledged.Count;
    }

    public void Dispose() => _redis.Dispose();
}
