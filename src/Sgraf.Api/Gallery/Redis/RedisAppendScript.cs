using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// Appends one batch to the gallery stream in one atomic step: only if the gallery belongs to our bundle (claiming it
/// when no bundle has yet), then XADD, then PUBLISH the new id. Being one script, no replica of another bundle can
/// slip an entry in between the check and the write.
/// </summary>
internal static class RedisAppendScript
{
    // KEYS[1] bundle key, KEYS[2] stream; ARGV[1] our bundle hash, ARGV[2] the batch, ARGV[3] its field name,
    // ARGV[4] the notification channel.
    // Returns {1, entry id} when appended, {0, found bundle hash} when the gallery belongs to another bundle.
    private const string Script = """
        local found = redis.call('GET', KEYS[1])
        if found and found ~= ARGV[1] then
          return {0, found}
        end
        if not found then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        local id = redis.call('XADD', KEYS[2], '*', ARGV[3], ARGV[2])
        redis.call('PUBLISH', ARGV[4], id)
        return {1, id}
        """;

    /// <summary>The outcome: the new entry's id, or (when <see cref="Appended"/> is false) the bundle the gallery belongs to.</summary>
    public readonly record struct Result(bool Appended, string Value);

    public static async Task<Result> RunAsync(IDatabaseAsync database, RedisGalleryKeys keys, string bundleHash, byte[] batch)
    {
        var reply = (RedisResult[])(await database.ScriptEvaluateAsync(
            Script,
            [keys.Bundle, keys.Log],
            [bundleHash, batch, GalleryBatchValue.Field, keys.Appended.ToString()]).ConfigureAwait(false))!;
        return new Result((long)reply[0] == 1, (string)reply[1]!);
    }
}
