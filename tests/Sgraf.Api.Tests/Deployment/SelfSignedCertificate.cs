using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Deployment;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, made with openssl as docs/deployment.md ("TLS") shows, for
/// nginx's HTTPS; clients made by <see cref="Client"/> trust exactly this certificate.
/// </summary>
public sealed class SelfSignedCertificate
{
    SelfSignedCertificate(string directory)
    {
        CertificatePath = Path.Combine(directory, "tls.crt");
        KeyPath = Path.Combine(directory, "tls.key");
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public static SelfSignedCertificate Create(string directory)
    {
        var certificate = new SelfSignedCertificate(directory);
        string openssl = DebianPackage.Ensure("openssl", () => File.Exists("/usr/bin/openssl") ? "/usr/bin/openssl" : null);
        using var process = Process.Start(new ProcessStartInfo(openssl,
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", certificate.KeyPath, "-out", certificate.CertificatePath])
            { RedirectStandardError = true, UseShellExecute = false })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl failed: {errors}");
        return certificate;
    }

    /// <summary>A client of <paramref name="url"/> that accepts this certificate alone, following no redirects.</summary>
    public HttpClient Client(string url, string apiKey)
    {
        var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(trusted.RawData),
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }
}
