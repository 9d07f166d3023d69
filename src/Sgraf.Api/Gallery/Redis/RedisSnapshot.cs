using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// A snapshot of the gallery in Redis, so that a replica can start without the stream's whole history: the live items as
/// of one stream entry, as add records in chunks (a list of batch values), and a hash that names the current one. A new
/// replica (or one whose needed entries were trimmed) loads the snapshot, then reads the stream after its id. The stream
/// is never trimmed past the snapshot's id, so the two together always hold the whole gallery; since the snapshot holds
/// each live item once, it is what lets the stream's history go.
/// </summary>
/// <remarks>
/// A new snapshot is written under its own key, then named current in one script that deletes the old one at once
/// unless a live replica is starting (registered as needing everything, see <see cref="RedisStreamTrim"/>): one that
/// may be reading it. Then the old one gets <see cref="ReplacedGrace"/> to live; a replica slower than that reads a
/// short list, notices (the chunk count differs), and fails its start rather than apply half a snapshot. A replica
/// registers before it reads the pointer, so one that registers after the script ran reads the new snapshot.
/// </remarks>
internal static class RedisSnapshot
{
    /// <summary>
    /// How long a replaced snapshot stays readable (and costs its memory) when a replica was starting as it was replaced.
    /// A snapshot is replaced only after the stream has grown by half of it, so a start that reads one for longer than
    /// this is rare, and it fails rather than mix two.
    /// </summary>
    public static readonly TimeSpan ReplacedGrace = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long one replica may write a snapshot before another may start one too. Two writers are wasteful, not wrong:
    /// the later snapshot wins and the other's list is deleted or expires.
    /// </summary>
    public static readonly TimeSpan WriterLockTime = TimeSpan.FromMinutes(10);

    private const int ChunkRecords = 64;
    private const int ChunkBytes = 4 << 20;
    private const int ReadPage = 8;

    /// <summary>The current snapshot's description, as the hash <see cref="RedisGalleryKeys.Snapshot"/> holds it.</summary>
    public sealed record Pointer(RedisKey Chunks, StreamEntryId At, long ChunkCount, long Items, long Bytes);

    // KEYS[1] the snapshot hash, KEYS[2] the new chunk list, KEYS[3] the replica set; ARGV: its stream id, chunk count,
    // items, bytes, grace in ms, the replica key prefix. Names the new snapshot current unless one at the same or a later
    // id already is (then deletes the new list).
    private const string PublishScript = """
        local function parse(id)
          local ms, seq = string.match(id, '^(%d+)-(%d+)$')
          return tonumber(ms), tonumber(seq)
        end
        local current = redis.call('HGET', KEYS[1], 'id')
        if current then
          local cm, cs = parse(current)
          local nm, ns = parse(ARGV[1])
          if cm > nm or (cm == nm and cs >= ns) then
            redis.call('DEL', KEYS[2])
            return 0
          end
        end
        local old = redis.call('HGET', KEYS[1], 'key')
        redis.call('HSET', KEYS[1], 'key', KEYS[2], 'id', ARGV[1], 'chunks', ARGV[2], 'items', ARGV[3], 'bytes', ARGV[4])
        if old and old ~= KEYS[2] then
          local starting = false
          for _, name in ipairs(redis.call('SMEMBERS', KEYS[3])) do
            if redis.call('GET', ARGV[6] .. name) == '0-0' then starting = true end
          end
          if starting then redis.call('PEXPIRE', old, ARGV[5]) else redis.call('DEL', old) end
        end
        return 1
        """;

    public static async Task<Pointer?> ReadPointerAsync(IDatabaseAsync database, RedisGalleryKeys keys)
    {
        HashEntry[] fields = await database.HashGetAllAsync(keys.Snapshot).ConfigureAwait(false);
        if (fields.Length == 0) return null;
        var values = fields.ToDictionary(f => (string)f.Name!, f => f.Value);
        return new Pointer((string)values["key"]!, StreamEntryId.Parse((string)values["id"]!),
            (long)values["chunks"], (long)values["items"], (long)values["bytes"]);
    }

    /// <summary>
    /// Writes <paramref name="records"/> (the live items as of entry <paramref name="at"/>) as a new snapshot and names it
    /// current, unless a snapshot at the same or a later entry already is.
    /// </summary>
    /// <returns>The snapshot written, or null when a newer one stood.</returns>
    public static async Task<Pointer?> WriteAsync(IDatabaseAsync database, RedisGalleryKeys keys, StreamEntryId at, IEnumerable<GalleryRecord> records)
    {
        RedisKey list = keys.SnapshotChunks(at);
        // Left over by a writer that stopped half-way at this same id.
        await database.KeyDeleteAsync(list).ConfigureAwait(false);
        long chunks = 0, items = 0, bytes = 0;
        var chunk = new List<GalleryRecord>(ChunkRecords);
        long chunkBytes = 0;
        foreach (var record in records)
        {
            chunk.Add(record);
            chunkBytes += record.Payload.Length + record.Metadata.Length;
            if (chunk.Count == ChunkRecords || chunkBytes >= ChunkBytes) await FlushAsync();
        }
        if (chunk.Count > 0) await FlushAsync();

        var published = (long)await database.ScriptEvaluateAsync(PublishScript, [keys.Snapshot, list, keys.Replicas],
            [at.ToString(), chunks, items, bytes, (long)ReplacedGrace.TotalMilliseconds, keys.ReplicaPrefix]).ConfigureAwait(false);
        return published == 1 ? new Pointer(list, at, chunks, items, bytes) : null;

        async Task FlushAsync()
        {
            byte[] value = GalleryBatchValue.Encode(chunk);
            await database.ListRightPushAsync(list, value).ConfigureAwait(false);
            chunks++;
            items += chunk.Count;
            bytes += value.Length;
            chunk.Clear();
            chunkBytes = 0;
        }
    }

    /// <summary>Hands the snapshot's records to <paramref name="apply"/>, a chunk at a time.</summary>
    /// <returns>How many records were applied.</returns>
    /// <exception cref="InvalidDataException">The snapshot is gone or damaged (replaced long ago, or evicted); the message names it.</exception>
    public static async Task<long> ReadAsync(IDatabaseAsync database, Pointer snapshot, Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken)
    {
        long read = 0, records = 0;
        while (read < snapshot.ChunkCount)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RedisValue[] page = await database.ListRangeAsync(snapshot.Chunks, read, read + ReadPage - 1).ConfigureAwait(false);
            if (page.Length == 0) break;
            foreach (RedisValue value in page)
            {
                var batch = GalleryBatchValue.Decode((byte[])value!, $"Chunk {read} of snapshot {snapshot.Chunks}");
                apply(batch);
                records += batch.Count;
                read++;
            }
        }
        if (read != snapshot.ChunkCount || records != snapshot.Items)
            throw new InvalidDataException(
                $"Snapshot {snapshot.Chunks} (at stream entry {snapshot.At}) should hold {snapshot.ChunkCount} chunks and {snapshot.Items} items " +
                $"but {read} chunks and {records} items were read: it was replaced or evicted while this replica read it. Restart the replica.");
        return records;
    }
}
