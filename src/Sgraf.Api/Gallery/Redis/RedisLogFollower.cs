using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// Keeps one replica's index in step with the shared stream: reads entries after the last one it applied
/// and hands them to the apply callback in stream order, from one loop, so applies never overlap. It wakes on every
/// notification and also polls, because pub/sub messages are lost while a connection is down. After each entry it tells
/// <paramref name="applied"/> (the local copy checkpoints there), and after each catch-up it runs
/// <paramref name="maintain"/> (snapshot and trim), from the same loop, so neither overlaps an apply.
/// An entry that cannot be read (damaged framing, or records the index refuses: a payload that is not this bundle's
/// layout, metadata that is not JSON) is handed to <paramref name="quarantine"/> with its stream id and the reason, and
/// following goes on: its readable records are applied, the rest skipped. Every replica reads the same entry the same
/// way, so they still agree; one bad entry never stops a replica or a shard.
/// </summary>
internal sealed class RedisLogFollower(
    IDatabaseAsync database,
    RedisGalleryKeys keys,
    Action<IReadOnlyList<GalleryRecord>> apply,
    Action<StreamEntryId, long> applied,
    Func<StreamEntryId, byte[], string, Task> quarantine,
    Func<CancellationToken, Task> maintain,
    string storeDescription,
    ILogger logger) : IAsyncDisposable
{
    // Entries are whole appends, possibly megabytes each: small pages bound what one read holds in memory.
    private const int PageSize = 16;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly List<(StreamEntryId Id, TaskCompletionSource Applied)> _waiters = [];
    private StreamEntryId _applied = StreamEntryId.Zero;
    private Exception? _stoppedBecause;
    private Task _loop = Task.CompletedTask;

    public StreamEntryId LastApplied
    {
        get { lock (_gate) { return _applied; } }
    }

    /// <summary>
    /// Applies every entry after the last applied one until the stream has no more. Called by StartAsync before
    /// <see cref="StartFollowing"/>, then only by the loop, so two catch-ups never run at once.
    /// </summary>
    /// <returns>How many batches and records were applied.</returns>
    public async Task<(int Batches, int Records)> CatchUpAsync(CancellationToken cancellationToken)
    {
        int batches = 0, records = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StreamEntryId from = LastApplied;
            RedisValue after = from == StreamEntryId.Zero ? "-" : $"({from}";
            StreamEntry[] page = await database.StreamRangeAsync(keys.Log, after, "+", PageSize).ConfigureAwait(false);
            foreach (StreamEntry entry in page)
            {
                records += await ApplyAsync(entry).ConfigureAwait(false);
                batches++;
            }
            if (page.Length < PageSize) return (batches, records);
        }
    }

    /// <summary>Where reading starts: after the entry a checkpoint or a snapshot stands at. Only before the first catch-up.</summary>
    public void StartAfter(StreamEntryId id)
    {
        lock (_gate) _applied = id;
    }

    public void StartFollowing() => _loop = Task.Run(FollowAsync);

    /// <summary>Something was appended: look now rather than at the next poll.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Throws if the loop stopped following (a damaged entry, a failing apply): nothing more should be written through it.</summary>
    public void ThrowIfStopped()
    {
        lock (_gate)
        {
            if (_stoppedBecause is not null) throw Stopped();
        }
    }

    /// <summary>Completes once the entry <paramref name="id"/> (and so every one before it) has been applied.</summary>
    public Task WaitUntilAppliedAsync(StreamEntryId id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stoppedBecause is not null) return Task.FromException(Stopped());
            if (_applied >= id) return Task.CompletedTask;
            var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((id, applied));
            return applied.Task.WaitAsync(cancellationToken);
        }
    }

    /// <returns>How many of the entry's records were applied.</returns>
    private async Task<int> ApplyAsync(StreamEntry entry)
    {
        var entryId = StreamEntryId.Parse(entry.Id.ToString());
        byte[]? value = entry[GalleryBatchValue.Field];
        var (records, unreadable) = Read(entryId, value);
        int count = records.Count;
        if (unreadable is null)
        {
            try
            {
                apply(records);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                (count, unreadable) = ApplyEachReadable(records);
            }
        }
        // Set aside before it counts as applied: a failure to write it (Redis away) reads the entry again, and applying
        // it twice leaves the gallery as once (adds replace by id, deletes of a missing id do nothing).
        if (unreadable is not null) await quarantine(entryId, value ?? [], unreadable).ConfigureAwait(false);
        applied(entryId, value?.Length ?? 0);
        lock (_gate)
        {
            _applied = entryId;
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Id <= _applied)
                {
                    _waiters[i].Applied.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
        return count;
    }

    /// <summary>The entry's records, or why none can be read (no value, damaged framing).</summary>
    private (List<GalleryRecord> Records, string? Unreadable) Read(StreamEntryId id, byte[]? value)
    {
        if (value is null) return ([], $"entry {id} of {keys.Log} has no '{GalleryBatchValue.Field}' field");
        try
        {
            return (GalleryBatchValue.Decode(value, $"Entry {id} of {keys.Log}"), null);
        }
        catch (InvalidDataException e)
        {
            return ([], e.Message);
        }
    }

    /// <summary>After the batch was refused as a whole (and nothing of it applied): its records one by one, skipping those refused.</summary>
    private (int Applied, string Unreadable) ApplyEachReadable(List<GalleryRecord> records)
    {
        var refused = new List<string>();
        for (int i = 0; i < records.Count; i++)
        {
            try
            {
                apply([records[i]]);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                refused.Add($"record {i} ({records[i].Kind} '{records[i].Id}'): {e.Message}");
            }
        }
        return (records.Count - refused.Count, $"{refused.Count} of its {records.Count} records could not be applied and were skipped: {string.Join("; ", refused)}");
    }

    /// <summary>What a record's content causes (the same on every replica), unlike a failing apply (out of memory, a failing head), which stops following.</summary>
    private static bool IsUnreadable(Exception e) => e is InvalidDataException or System.Text.Json.JsonException;

    private async Task FollowAsync()
    {
        int failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(PollInterval, _stopping.Token).ConfigureAwait(false);
                // One catch-up covers every wake-up received so far.
                while (_wake.Wait(0)) { }
                await CatchUpAsync(_stopping.Token).ConfigureAwait(false);
                await maintain(_stopping.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsTransient(e))
            {
                // Redis is restarting or unreachable: StackExchange.Redis reconnects by itself; we resume from the last applied id.
                failures++;
                var delay = RetryDelay(failures);
                RedisGalleryLog.Unavailable(logger, storeDescription, "read new gallery entries", e.Message, (int)delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception e)
            {
                // A failing apply (not an unreadable entry, which is set aside): skipping the entry would leave this
                // replica answering differently from the others, so it stops following and says so.
                StopWaiters(e);
                RedisGalleryLog.Faulted(logger, e, storeDescription, LastApplied.ToString());
                return;
            }
        }
    }

    /// <summary>
    /// Redis being down, loading or slow: worth retrying, unlike damaged data, a failing apply, or a password Redis
    /// refuses (retrying would only repeat it; start-up fails and says so).
    /// </summary>
    public static bool IsTransient(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or RedisServerException && !RedisConnectionSettings.IsAuthenticationFailure(e);

    /// <summary>Doubling from 100 ms up to 5 s.</summary>
    public static TimeSpan RetryDelay(int failures) => TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures - 1, 6))));

    private void StopWaiters(Exception cause)
    {
        lock (_gate)
        {
            _stoppedBecause ??= cause;
            foreach (var (_, applied) in _waiters) applied.TrySetException(Stopped());
            _waiters.Clear();
        }
    }

    private InvalidOperationException Stopped() =>
        new($"Gallery store {storeDescription} stopped following the gallery; see the inner exception.", _stoppedBecause);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        StopWaiters(new ObjectDisposedException(nameof(RedisGalleryStore)));
        // _wake stays undisposed: a notification that arrives while the connection closes may still release it.
        _stopping.Dispose();
    }
}
