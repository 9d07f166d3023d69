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
        Message = "Gallery store {Store}: starting from {From}; read {Entries} stream entries ({Records} records) after it, up to entry {LastEntry}.")]
    public static partial void StartedFrom(ILogger logger, string store, string from, int entries, int records, string lastEntry);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Gallery store {Store}: the stream was trimmed to {TrimmedTo}, past this replica's local checkpoint at {Checkpoint}; " +
                  "dropping the local copy and starting from the snapshot at {Snapshot}.")]
    public static partial void CheckpointTrimmed(ILogger logger, string store, string trimmedTo, string checkpoint, string snapshot);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Gallery store {Store}: wrote a snapshot of {Items} items ({Bytes} bytes in {Chunks} chunks) at stream entry {At}.")]
    public static partial void SnapshotWritten(ILogger logger, string store, long items, long bytes, long chunks, string at);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gallery store {Store}: trimmed {Entries} stream entries.")]
    public static partial void Trimmed(ILogger logger, string store, long entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gallery store {Store}: could not {Step} ({Reason}); trying again later. Nothing is lost.")]
    public static partial void MaintenanceFailed(ILogger logger, string store, string step, string reason);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Gallery store {Store}: stream entry {Entry} could not be read and was set aside (Redis hash {Quarantine}, field {Entry}); " +
                  "the gallery goes on without what could not be applied: {Reason}")]
    public static partial void Quarantined(ILogger logger, string store, string entry, string reason, string quarantine);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Gallery store {Store}: stopped following the gallery at entry {LastEntry}; this replica no longer sees " +
                  "changes and refuses appends. Restart it once the cause is fixed.")]
    public static partial void Faulted(ILogger logger, Exception exception, string store, string lastEntry);
}
