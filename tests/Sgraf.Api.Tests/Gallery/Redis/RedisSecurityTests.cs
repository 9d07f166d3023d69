using Microsoft.Extensions.Logging.Abstractions;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery.Redis;
using StackExchange.Redis;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// Redis as the compose files and scripts run it: with a password, and (where redis-server was built with TLS, as
/// Debian's is) over TLS with a private CA's certificate. The store's connection settings come from Sgraf:Redis.
/// </summary>
public sealed class RedisSecurityTests(RedisServerProcess redis) : IClassFixture<RedisServerProcess>
{
    readonly string gallery = $"security-{Guid.NewGuid():N}";

    [Fact]
    public async Task Without_the_password_the_store_fails_to_start_saying_so_instead_of_retrying_forever()
    {
        foreach (var wrong in new[] { $"127.0.0.1:{redis.Port}", $"127.0.0.1:{redis.Port},password=not-{redis.Password}" })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var log = new CapturingLogger();
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => Replica.StartAsync(wrong, gallery, logger: log));
            string told = string.Join("\n", log.Entries.Select(e => $"{e.Level}: {e.Message}"));
            Assert.False(timeout.IsCancellationRequested, $"start-up with '{wrong}' kept retrying a refused password:\n{told}\n{failure}");
            Assert.True(RedisConnectionSettings.IsAuthenticationFailure(failure), $"{failure}\n{told}");
        }
    }

    [Fact]
    public async Task A_refused_password_is_seen_on_the_connection_itself_before_any_command_fails()
    {
        // What start-up relies on when its commands only time out in the reconnect backlog (as under load): each
        // failed attempt reaches the watch with an authentication failure, however early it came.
        foreach (var wrong in new[] { $"127.0.0.1:{redis.Port}", $"127.0.0.1:{redis.Port},password=not-{redis.Password}" })
        {
            var watch = new RedisAuthenticationWatch();
            var configuration = RedisConnectionSettings.From(new RedisStoreOptions { Configuration = wrong });
            configuration.LoggerFactory = watch;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (watch.Refused is null && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(watch.Refused is { } refused && RedisConnectionSettings.IsAuthenticationFailure(refused),
                $"with '{wrong}' no refused password was seen: {watch.Refused}");
            Assert.False(connection.IsConnected);
        }

        var right = RedisConnectionSettings.From(new RedisStoreOptions { Configuration = $"127.0.0.1:{redis.Port}", Password = redis.Password });
        var quiet = new RedisAuthenticationWatch();
        right.LoggerFactory = quiet;
        await using (var connected = await ConnectionMultiplexer.ConnectAsync(right))
            Assert.True(connected.IsConnected);
        Assert.Null(quiet.Refused);
    }

    [Fact]
    public async Task The_password_can_come_apart_from_the_configuration_string()
    {
        var options = new RedisStoreOptions { Configuration = $"127.0.0.1:{redis.Port}", Password = redis.Password, KeyPrefix = gallery };
        await using var store = await RedisGalleryStore.ConnectAsync(options, Replica.Bundle, NullLogger.Instance, CancellationToken.None);
        var applied = new GalleryRecorder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await store.StartAsync(applied.Apply, timeout.Token);
        await store.AppendAsync([Sgraf.Api.Gallery.GalleryRecord.AddImage("cat", Replica.Embedding("cat"))], timeout.Token);
        Assert.Equal(["cat"], applied.Ids);
    }

    [Fact]
    public async Task Over_tls_the_store_starts_adds_and_a_second_replica_reads_the_add()
    {
        using var tlsRedis = RedisServerProcess.WithTls();
        var options = new RedisStoreOptions
        {
            // TLS port only: the plain one is there for the fixture's readiness check.
            Configuration = $"127.0.0.1:{tlsRedis.TlsPort},ssl=true",
            Password = tlsRedis.Password,
            TlsCaFile = tlsRedis.CertificateFile("ca.crt"),
            TlsCertificateFile = tlsRedis.CertificateFile("client.crt"),
            TlsKeyFile = tlsRedis.CertificateFile("client.key"),
            KeyPrefix = gallery,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var writer = await RedisGalleryStore.ConnectAsync(options, Replica.Bundle, NullLogger.Instance, CancellationToken.None);
        await writer.StartAsync(new GalleryRecorder().Apply, timeout.Token);
        await writer.AppendAsync([Sgraf.Api.Gallery.GalleryRecord.AddImage("over-tls", Replica.Embedding("over-tls"))], timeout.Token);

        await using var reader = await RedisGalleryStore.ConnectAsync(options, Replica.Bundle, NullLogger.Instance, CancellationToken.None);
        var read = new GalleryRecorder();
        await reader.StartAsync(read.Apply, timeout.Token);
        Assert.Equal(["over-tls"], read.Ids);
        Assert.Equal(Replica.Embedding("over-tls"), read.Last("over-tls").Payload.ToArray());
        Assert.Contains(tlsRedis.TlsPort.ToString(), writer.Description, StringComparison.Ordinal);
    }
}
