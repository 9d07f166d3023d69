using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Sgraf.Api.Cluster;
using Sgraf.Api.Gallery;
using Sgraf.Api.Tests.Gallery.Redis;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>
/// The security review's back door, against real silos (scripts/run-cluster.sh, mutual TLS on): silo ports listen on
/// the silo's address only, a gateway only where one is configured, and an Orleans client with the cluster's ids but
/// no certificate, or one from another CA, cannot call <see cref="IGalleryShard.DeleteAsync"/>; a client with a
/// certificate from the cluster's CA can, and the shard still refuses what the HTTP path would refuse.
/// </summary>
public sealed class ClusterSecurityTests
{
    const int Shards = 2;
    const string Victim = "victim-caption";

    [Fact]
    public async Task Only_peers_with_the_clusters_certificates_reach_a_shard_and_silos_listen_on_their_address_alone()
    {
        // Silo 1 has a gateway (as an operator's own Orleans client would need); silo 2 has none, the default.
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, shards: Shards, gatewaySilos: 1);
        using var balancer = cluster.Balancer();
        (await balancer.PostAsJsonAsync("/captions", TestGallery.CaptionBody((Victim, "a red circle"), ("expendable", "a blue square")))).EnsureSuccessStatusCode();

        Assert.Equal(
            new[] { cluster.BalancerPort + 1, cluster.SiloPort(1), cluster.GatewayPort(1)!.Value }.Order().Select(Loopback),
            ListeningSockets.Of(cluster.SiloPid(1)).OrderBy(e => e.Port));
        Assert.Equal(
            new[] { cluster.BalancerPort + 2, cluster.SiloPort(2) }.Order().Select(Loopback),
            ListeningSockets.Of(cluster.SiloPid(2)).OrderBy(e => e.Port));
        // Another address of this machine (all of 127/8 is loopback) reaches nothing: not bound to every interface.
        Assert.True(Connects(IPAddress.Loopback, cluster.SiloPort(1)));
        Assert.False(Connects(IPAddress.Parse("127.0.0.2"), cluster.SiloPort(1)));
        Assert.False(Connects(IPAddress.Parse("127.0.0.2"), cluster.GatewayPort(1)!.Value));

        int gateway = cluster.GatewayPort(1)!.Value;
        int victimShard = new ShardMap(Shards).ShardOf(Victim);
        using var foreign = new TempDirectory();
        MakeCertificates.Run(foreign.Path, "intruder");
        MakeCertificates.Run(cluster.CertificateDirectory, "operator");

        // The intruder of the review: the cluster's ids, no TLS. Then with a certificate another CA signed.
        foreach (var (what, certificate, tls) in new[] { ("no TLS", null, false), ("no certificate", null, true),
                     ("another CA's certificate", Certificate(foreign.Path, "intruder"), true) })
        {
            var attempt = await Record.ExceptionAsync(async () =>
            {
                // A peer connects within a second or two (below); a refused client would retry until its time is up.
                using var intruder = await OrleansClients.ConnectAsync(gateway, certificate, tls, seconds: 10);
                await intruder.Services.GetRequiredService<IGrainFactory>().GetGrain<IGalleryShard>(victimShard)
                    .DeleteAsync(GalleryItemKind.Caption, Victim).WaitAsync(TimeSpan.FromSeconds(10));
            });
            Assert.True(attempt is not null, $"a client with {what} called the shard");
            Assert.Equal(HttpStatusCode.OK, (await balancer.GetAsync($"/captions/{Victim}")).StatusCode);
        }

        // A client with a certificate from the cluster's CA is a peer: the same call goes through...
        using var peer = await OrleansClients.ConnectAsync(gateway, Certificate(cluster.CertificateDirectory, "operator"), tls: true);
        var grains = peer.Services.GetRequiredService<IGrainFactory>();
        int expendableShard = new ShardMap(Shards).ShardOf("expendable");
        Assert.True((await grains.GetGrain<IGalleryShard>(expendableShard).DeleteAsync(GalleryItemKind.Caption, "expendable")).Value);
        Assert.Equal(HttpStatusCode.NotFound, (await balancer.GetAsync("/captions/expendable")).StatusCode);

        // ...and the shard checks what it takes as the HTTP path does: the record that poisoned shard 0 in the review.
        var shard = grains.GetGrain<IGalleryShard>(victimShard);
        var poison = await shard.AppendAsync([new ShardRecord((byte)GalleryRecordKind.AddCaption, "poison", "{not json", new byte[3])]);
        Assert.NotNull(poison.Refused);
        Assert.Contains("records[0].metadata", poison.Refused, StringComparison.Ordinal);
        Assert.Contains("records[0].payload", poison.Refused, StringComparison.Ordinal);
        var wrongShard = await grains.GetGrain<IGalleryShard>(1 - victimShard).DeleteAsync(GalleryItemKind.Caption, Victim);
        Assert.Contains($"belongs to shard {victimShard}", wrongShard.Refused, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await balancer.GetAsync("/captions/poison")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await balancer.GetAsync($"/captions/{Victim}")).StatusCode);
    }

    static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);

    static X509Certificate2 Certificate(string directory, string name) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(directory, $"{name}.crt"), Path.Combine(directory, $"{name}.key"));

    static bool Connects(IPAddress address, int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(address, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
