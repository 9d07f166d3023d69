using Microsoft.Extensions.Logging.Abstractions;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery.Redis;

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
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => Replica.StartAsync(wrong, gallery));
            Assert.False(timeout.IsCancellationRequested, "start-up kept retrying a refused password");
            Assert.True(RedisConnectionSettings.IsAuthenticationFailure(failure), failure.ToString());
        }
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
