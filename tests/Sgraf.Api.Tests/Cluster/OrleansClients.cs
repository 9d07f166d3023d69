using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>
/// An Orleans client of the cluster's ids (ClusterId and ServiceId "sgraf", as in the repository) at a silo's gateway,
/// as the security review's intruder was: without TLS, or presenting the given certificate over TLS.
/// </summary>
internal static class OrleansClients
{
    /// <summary>A started client; throws if it cannot connect within <paramref name="seconds"/> (the gateway refused it).</summary>
    public static async Task<IHost> ConnectAsync(int gatewayPort, X509Certificate2? certificate, bool tls, int seconds = 60)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("sgraf", "sgraf"));
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
                if (tls)
                    client.UseTls(options =>
                    {
                        options.LocalCertificate = certificate;
                        // Whoever the silo is: the client's side of the check is not what is tested.
                        options.AllowAnyRemoteCertificate();
                    });
            })
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
