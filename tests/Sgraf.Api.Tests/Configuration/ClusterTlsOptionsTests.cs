using Sgraf.Api.Configuration;
using Sgraf.Api.Tests.Gallery.Redis;
using Sgraf.Api.Tests.Service;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Configuration;

/// <summary>Mutual TLS between silos is checked at start: a silo with missing or mismatched certificates does not start, and says why.</summary>
public sealed class ClusterTlsOptionsTests : IDisposable
{
    readonly TempDirectory certificates = new();
    readonly TempDirectory other = new();

    public ClusterTlsOptionsTests()
    {
        MakeCertificates.Run(certificates.Path, "silo-1");
        MakeCertificates.Run(other.Path, "silo-1");
    }

    public void Dispose()
    {
        certificates.Dispose();
        other.Dispose();
    }

    static IReadOnlyList<string> Problems(ClusterTlsOptions tls)
    {
        var options = new SgrafServiceOptions { BundleDirectory = SgrafServiceFactory.BundlePath, Store = GalleryStoreKind.Redis };
        options.Cluster.Enabled = true;
        options.Cluster.Tls = tls;
        return new SgrafServiceOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];
    }

    ClusterTlsOptions Tls(string certificateDirectory, string caDirectory) => new()
    {
        CertificateFile = Path.Combine(certificateDirectory, "silo-1.crt"),
        KeyFile = Path.Combine(certificateDirectory, "silo-1.key"),
        CaFile = Path.Combine(caDirectory, "ca.crt"),
    };

    [Fact]
    public void A_silo_certificate_from_the_configured_ca_passes()
    {
        Assert.Empty(Problems(Tls(certificates.Path, certificates.Path)));
        Assert.True(ClusterCertificates.Load(Tls(certificates.Path, certificates.Path)).Local.HasPrivateKey);
    }

    [Fact]
    public void Without_certificates_start_up_stops_naming_the_setting_and_the_script_that_makes_them()
    {
        var problem = Assert.Single(Problems(new ClusterTlsOptions()));
        Assert.Contains("Sgraf:Cluster:Tls:CertificateFile is not set", problem, StringComparison.Ordinal);
        Assert.Contains("scripts/make-cluster-certs.sh", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_another_ca_signed_stops_start_up_since_the_peers_would_refuse_it()
    {
        var problem = Assert.Single(Problems(Tls(other.Path, certificates.Path)));
        Assert.Contains("does not chain to a certificate of Sgraf:Cluster:Tls:CaFile", problem, StringComparison.Ordinal);
        Assert.False(ClusterCertificates.Load(Tls(certificates.Path, certificates.Path)).Trusts(ClusterCertificates.Load(Tls(other.Path, other.Path)).Local));
    }

    [Fact]
    public void A_missing_key_stops_start_up_naming_the_file()
    {
        var tls = Tls(certificates.Path, certificates.Path);
        tls.KeyFile = Path.Combine(certificates.Path, "missing.key");
        var problem = Assert.Single(Problems(tls));
        Assert.Contains("missing.key", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Turned_off_nothing_is_asked_for()
    {
        Assert.Empty(Problems(new ClusterTlsOptions { Enabled = false }));
    }
}
