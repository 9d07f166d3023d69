using Orleans.Connections.Security;
using Sgraf.Api.Configuration;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Mutual TLS on every Orleans connection of a silo (silo to silo, and a gateway's clients if there is a gateway):
/// each side presents its certificate and accepts the other's only if it chains to Sgraf:Cluster:Tls:CaFile
/// (<see cref="ClusterCertificates.Trusts"/>), never "any certificate". A process without one cannot join the cluster
/// or call a shard, whatever ids it knows.
/// </summary>
public static class SiloTls
{
    public static void Configure(TlsOptions tls, ClusterTlsOptions settings)
    {
        // Read at the first handshake, after start-up validation (SgrafServiceOptionsValidator) has checked the files and
        // stopped the process with its message if they are wrong; this runs while the host is still being built.
        var certificates = new Lazy<ClusterCertificates>(() => ClusterCertificates.Load(settings));
        tls.LocalServerCertificateSelector = (_, _) => certificates.Value.Local;
        tls.LocalClientCertificateSelector = (_, _, _, _, _) => certificates.Value.Local;
        // Inbound (silo port and gateway): no certificate, no connection.
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Replaces the machine's trust store and the name check, both directions: silos reach each other by address.
        tls.RemoteCertificateValidation = (certificate, chain, _) => certificates.Value.Trusts(certificate, chain);
    }
}
