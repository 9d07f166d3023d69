using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Asks shards side by side and gathers their answers. A shard that is recovering, failed, lives on a silo that died
/// or does not answer within Sgraf:Cluster:ShardTimeoutSeconds is missing; with any missing, the call fails with
/// <see cref="ServiceNotReadyException"/> (503 with Retry-After) naming them, unless a partial answer was allowed.
/// A shard that refuses the call (<see cref="ShardReply{T}.Refused"/>) fails it with <see cref="ShardRefusedException"/>:
/// the front checked the request by the same rules, so the silos' settings differ.
/// </summary>
public sealed class ShardCalls(IGrainFactory grains, IOptions<SgrafServiceOptions> options)
{
    public ShardMap Map { get; } = new(options.Value.Cluster.Shards);

    public IGalleryShard Shard(int shard) => grains.GetGrain<IGalleryShard>(shard);

    /// <param name="what">What the call does, for the 503's message ("search", "store 3 images").</param>
    public async Task<(Dictionary<int, T> Answers, List<int> Missing)> AskAsync<T>(IEnumerable<int> shards,
        Func<IGalleryShard, int, Task<ShardReply<T>>> ask, bool allowPartial, string what, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.Cluster.ShardTimeoutSeconds);
        var replies = await Task.WhenAll(shards.Distinct().Select(async Task<(int Shard, T? Value, string? Missing)> (shard) =>
        {
            try
            {
                var reply = await ask(Shard(shard), shard).WaitAsync(timeout, cancellationToken);
                if (reply.Refused is { } refused) throw new ShardRefusedException(shard, what, refused);
                return (shard, reply.Value, reply.NotReady);
            }
            catch (TimeoutException)
            {
                return (shard, default(T), $"shard {shard} did not answer within {timeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is not ShardRefusedException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                // Orleans' own failures: its silo died (SiloUnavailableException), a message was rejected or timed out.
                return (shard, default(T), $"shard {shard} could not be reached ({e.GetType().Name}: {e.Message})");
            }
        }));
        var missing = replies.Where(r => r.Missing is not null).ToList();
        if (missing.Count > 0 && !allowPartial)
            throw new ServiceNotReadyException($"could not {what}: {missing.Count} of the gallery's {Map.Shards} shards cannot answer now "
                + $"({string.Join("; ", missing.Take(3).Select(m => m.Missing))}{(missing.Count > 3 ? "; …" : "")}); "
                + "a shard whose silo failed recovers on another within seconds, so retry after Retry-After");
        return (replies.Where(r => r.Missing is null).ToDictionary(r => r.Shard, r => r.Value!), [.. missing.Select(m => m.Shard).Order()]);
    }
}
