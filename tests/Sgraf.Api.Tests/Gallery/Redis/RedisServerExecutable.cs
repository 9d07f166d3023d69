using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>Finds redis-server, installing it when missing.</summary>
internal static class RedisServerExecutable
{
    private static readonly Lazy<string> Located = new(() => DebianPackage.Ensure("redis-server", Find));

    public static string Path => Located.Value;

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(dir => System.IO.Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
