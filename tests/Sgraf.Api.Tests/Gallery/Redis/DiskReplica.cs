using Microsoft.Extensions.Logging;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Gallery.Redis;
using Sgraf.Api.Tests.Gallery.Local;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// An API replica as production runs it: the Redis store with its copy of the gallery on its own disk, applying into
/// a real index of the demo bundle (so sealing, snapshots and scores are the service's own).
/// </summary>
internal sealed class DiskReplica : IAsyncDisposable
{
    private DiskReplica(RedisGalleryStore store, GalleryIndex index)
    {
        Store = store;
        Index = index;
    }

    public RedisGalleryStore Store { get; }
    public GalleryIndex Index { get; }

    public static async Task<DiskReplica> StartAsync(SegmentCheckpointTests.Bundle bundle, string redis, string gallery, string name,
        string dataDirectory, long checkpointBytes, int ttlSeconds = 30, ILogger? logger = null)
    {
        var index = new GalleryIndex(bundle.Codec, bundle.Runtime.Shortlist, bundle.Runtime.Bundle.EmbeddingsHash, "head-1");
        var options = new RedisStoreOptions { Configuration = redis, KeyPrefix = gallery, ReplicaName = name, ReplicaTtlSeconds = ttlSeconds };
        var store = await RedisGalleryStore.ConnectAsync(options, bundle.Runtime.Bundle.EmbeddingsHash, logger ?? new CapturingLogger(),
            CancellationToken.None, new ReplicaDisk(dataDirectory, index, checkpointBytes));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await store.StartAsync(index.Apply, timeout.Token);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
        return new DiskReplica(store, index);
    }

    public async Task AppendAsync(params GalleryRecord[] records)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Store.AppendAsync(records, timeout.Token);
    }

    /// <summary>Waits until this replica has applied what another replica appended (ids present and absent as given).</summary>
    public async Task WaitUntilAsync(Func<GallerySnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition(Index.Current) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(condition(Index.Current), "the replica did not apply the other replica's changes in time");
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    /// <summary>
    /// Every image's exact score for each query text, by image id, as a text-to-image search ranks them: two replicas
    /// answer searches identically when these are equal.
    /// </summary>
    public Dictionary<string, double[]> ImageScores(SgrafRuntime runtime, IReadOnlyList<string> queries)
    {
        var images = Index.Current.Images.ToList();
        if (images.Count == 0) return [];
        var packed = EmbeddingPacking.Images([.. images.Select(i => i.Value.Segment.Read(i.Value.Slot))], Index.Codec);
        var scores = runtime.Score(packed, runtime.EncodeCaptions(queries), parallelism: 1);
        return images.Select((image, i) => (image.Key, scores.Row(i).ToArray())).ToDictionary(p => p.Key, p => p.Item2);
    }

    /// <summary>Every caption's text and metadata by id.</summary>
    public Dictionary<string, string> Captions() =>
        Index.Current.Captions.ToDictionary(c => c.Key, c => c.Value.Segment.Text(c.Value.Slot) + " " + c.Value.Segment.Metadata(c.Value.Slot)?.ToJsonString());
}
