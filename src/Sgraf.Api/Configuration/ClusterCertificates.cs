using System.Security.Cryptography.X509Certificates;

namespace Sgraf.Api.Configuration;

/// <summary>
/// A silo's TLS material read from Sgraf:Cluster:Tls: its own certificate with its key, and the certificates a peer's
/// must chain to. Read once at start (a rotation restarts the silos one at a time; docs/deployment.md).
/// </summary>
public sealed class ClusterCertificates
{
    ClusterCertificates(X509Certificate2 local, X509Certificate2Collection trusted)
    {
        Local = local;
        Trusted = trusted;
    }

    public X509Certificate2 Local { get; }

    public X509Certificate2Collection Trusted { get; }

    /// <exception cref="InvalidDataException">A file is missing or unreadable, or the certificate has no private key; the message names the setting.</exception>
    public static ClusterCertificates Load(ClusterTlsOptions tls)
    {
        var local = LoadLocal(tls);
        if (!local.HasPrivateKey)
            throw new InvalidDataException($"Sgraf:Cluster:Tls:CertificateFile '{tls.CertificateFile}' holds no private key; give it in Sgraf:Cluster:Tls:KeyFile");
        var trusted = Read("Sgraf:Cluster:Tls:CaFile", tls.CaFile, () =>
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(tls.CaFile);
            return certificates;
        });
        if (trusted.Count == 0)
            throw new InvalidDataException($"Sgraf:Cluster:Tls:CaFile '{tls.CaFile}' holds no PEM certificate");
        return new ClusterCertificates(local, trusted);
    }

    /// <summary>
    /// Whether <paramref name="peer"/> chains to one of <see cref="Trusted"/> (intermediates it sent with it may help):
    /// the only thing that makes a process a peer. The machine's own trust store is not consulted, and neither is the
    /// name (silos reach each other by address), so the CA must issue certificates for this cluster alone.
    /// </summary>
    public bool Trusts(X509Certificate2 peer, X509Chain? sent = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Trusted);
        // A private CA publishes no revocation list; rotation replaces the CA instead (docs/deployment.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
            foreach (var element in sent.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(peer);
    }

    static X509Certificate2 LoadLocal(ClusterTlsOptions tls)
    {
        string extension = Path.GetExtension(tls.CertificateFile).ToLowerInvariant();
        string password = tls.CertificatePassword;
        return Read("Sgraf:Cluster:Tls:CertificateFile", tls.CertificateFile, () => extension is ".pfx" or ".p12"
            ? X509CertificateLoader.LoadPkcs12FromFile(tls.CertificateFile, password.Length == 0 ? null : password)
            : password.Length == 0
                ? X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile.Length == 0 ? null : tls.KeyFile)
                : X509Certificate2.CreateFromEncryptedPemFile(tls.CertificateFile, password, tls.KeyFile.Length == 0 ? null : tls.KeyFile));
    }

    static T Read<T>(string setting, string path, Func<T> read)
    {
        if (path.Length == 0) throw new InvalidDataException($"{setting} is not set");
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{setting} '{path}' could not be read: {e.Message}", e);
        }
    }
}
