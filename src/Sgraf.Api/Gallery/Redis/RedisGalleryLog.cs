using Microsoft.Extensions.Logging;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>What the Redis gallery store tells the operator.</summary>
internal static partial class RedisGalleryLog
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis {Server} runs with appendonly={AppendOnly}, appendfsync={AppendFsync}: acknowledged gallery changes " +
                  "can be lost if Redis crashes. Run it with --appendonly yes --appendfsync always.")]
    public static partial void NotDurable(ILogger logger, string server, string appendOnly, string appendFsync);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Could not read the persistence settings of Redis {Server} ({Reason}); make sure it runs with " +
                  "appendonly yes and appendfsync always, or acknowledged gallery changes can be lost.")]
    public static partial void DurabilityUnknown(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gallery store {Store}: could not {Step} ({Reason}); retrying in {DelayMs} ms.")]
    public static partial void Unavailable(ILogger logger, string store, string step, string reason, int delayMs);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Gallery store {Store}: restored {Batches} batches ({Records} records) up to entry {LastEntry}; following new appends.")]
    public static partial void Restored(ILogger logger, string store, int batches, int records, string lastEntry);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Gallery store {Store}: stopped following the gallery at entry {LastEntry}; this replica no longer sees " +
                  "changes and refuses appends. Restart it once the cause is fixed.")]
    public static partial void Faulted(ILogger logger, Exception exception, string store, string lastEntry);
}
