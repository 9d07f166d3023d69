using Sgraf.Api.Configuration;
using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// How every connection to Redis is made from Sgraf:Redis: the gallery store, each shard's store, and the cluster's
/// membership table. One place, so the password and TLS apply to all of them alike.
/// </summary>
public static class RedisConnectionSettings
{
    public static ConfigurationOptions From(RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        // Start even while Redis is away: the stores wait for it (replicas and silos may start before Redis does).
        configuration.AbortOnConnectFail = false;
        if (options.Password.Length > 0) configuration.Password = options.Password;
        if (options.TlsCaFile.Length > 0) configuration.TrustIssuer(options.TlsCaFile);
        if (options.TlsCertificateFile.Length > 0) configuration.SetUserPemCertificate(options.TlsCertificateFile, options.TlsKeyFile);
        return configuration;
    }

    /// <summary>Redis refused the password (or wants one): nothing that retrying fixes.</summary>
    public static bool IsAuthenticationFailure(Exception e) =>
        e is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
        || (e is RedisServerException && (e.Message.StartsWith("NOAUTH", StringComparison.Ordinal) || e.Message.StartsWith("WRONGPASS", StringComparison.Ordinal)))
        || (e.InnerException is { } inner && IsAuthenticationFailure(inner));
}
