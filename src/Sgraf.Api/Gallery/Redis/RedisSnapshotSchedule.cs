using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// When a replica with an index writes a snapshot (<see cref="RedisSnapshot"/>): when there is none, or once the
/// entries it applied since the last one add up to half of it (and to a checkpoint's worth). Redis then holds about
/// one copy of the gallery plus a tail of at most half of one, and rewriting the snapshot costs about two bytes
/// written per byte appended. Used from the follower's loop only, so nothing is applied while it writes.
/// </summary>
/// <remarks>
/// The threshold is stretched by a factor from 1 to 1.5 fixed by the stream's name: the shards of a sharded gallery
/// grow at the same pace, and without it they would all pause to write snapshots at the same moment (adds to a silo's
/// shards timed out together when three 67 MB snapshots were written at once).
/// </remarks>
internal sealed class RedisSnapshotSchedule(RedisGalleryKeys keys, ISealableGallery index, long checkpointBytes, string writer)
{
    private readonly double _stagger = 1 + System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(keys.Log.ToString())) % 1000 / 2000.0;
    private long _bytesSince;
    private StreamEntryId? _seen;

    /// <summary>An entry of <paramref name="bytes"/> was applied.</summary>
    public void Applied(long bytes) => _bytesSince += bytes;

    /// <summary>The replica started from the snapshot at <paramref name="at"/>: count from it.</summary>
    public void StartedFrom(StreamEntryId at) => _seen = at;

    /// <summary>Writes a snapshot of the index as of entry <paramref name="at"/> (the last applied) if one is due and no other replica is writing one.</summary>
    /// <returns>The snapshot written, or null.</returns>
    public async Task<RedisSnapshot.Pointer?> WriteIfDueAsync(IDatabase database, StreamEntryId at)
    {
        var current = await RedisSnapshot.ReadPointerAsync(database, keys).ConfigureAwait(false);
        if (current is not null && current.At != _seen)
        {
            // Another replica wrote one: count from it.
            _seen = current.At;
            _bytesSince = 0;
        }
        bool due = current is null
            ? at != StreamEntryId.Zero
            : at > current.At && _bytesSince >= Math.Max(checkpointBytes, current.Bytes / 2) * _stagger;
        if (!due || !await database.LockTakeAsync(keys.SnapshotLock, writer, RedisSnapshot.WriterLockTime).ConfigureAwait(false)) return null;
        try
        {
            var written = await RedisSnapshot.WriteAsync(database, keys, at, index.LiveRecords()).ConfigureAwait(false);
            if (written is not null)
            {
                _seen = written.At;
                _bytesSince = 0;
            }
            return written;
        }
        finally
        {
            await database.LockReleaseAsync(keys.SnapshotLock, writer).ConfigureAwait(false);
        }
    }
}
