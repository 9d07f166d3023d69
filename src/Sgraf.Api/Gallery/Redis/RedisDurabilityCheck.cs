using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// Warns when Redis would not keep an acknowledged append through a crash. The store promises durability on return,
/// which only holds with the append-only file fsync'ed on every write; Redis itself cannot be told to, so we check.
/// </summary>
internal static class RedisDurabilityCheck
{
    public static async Task RunAsync(IConnectionMultiplexer connection, string server, ILogger logger)
    {
        try
        {
            var reply = (RedisResult[])(await connection.GetDatabase().ExecuteAsync("CONFIG", "GET", "append*").ConfigureAwait(false))!;
            var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i + 1 < reply.Length; i += 2)
            {
                settings[(string)reply[i]!] = (string)reply[i + 1]!;
            }
            string appendOnly = settings.GetValueOrDefault("appendonly", "?");
            string appendFsync = settings.GetValueOrDefault("appendfsync", "?");
            if (appendOnly != "yes" || appendFsync != "always")
            {
                RedisGalleryLog.NotDurable(logger, server, appendOnly, appendFsync);
            }
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException or InvalidCastException)
        {
            // Managed Redis services often rename or forbid CONFIG; the store works all the same.
            RedisGalleryLog.DurabilityUnknown(logger, server, e.Message);
        }
    }
}
