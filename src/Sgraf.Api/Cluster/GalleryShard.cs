using Orleans.Concurrency;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Search;

namespace Sgraf.Api.Cluster;

/// <summary>
/// The grain of one shard. Activation starts recovering the shard's data (local segments, then Redis) in the
/// background and returns at once, so calls during recovery answer "not ready" (the API's 503 or partial answer)
/// instead of queueing behind it. Reentrant: searches run side by side, off Orleans' scheduler, on the silo's cores.
/// Every few seconds it checks that its silo is still the one <see cref="ShardOwner"/> picks, and leaves for the right
/// one when a silo has joined.
/// </summary>
[ShardPlacement]
[Reentrant]
public sealed partial class GalleryShard(ShardResources resources, ShardRequestRules accepts, IClusterMembershipService membership, ILocalSiloDetails localSilo,
    ILogger<GalleryShard> logger) : Grain, IGalleryShard
{
    readonly CancellationTokenSource stopping = new();
    Task<ShardGallery>? opening;
    int shard;
    string activeSilos = "";
    DateTime activeSilosChanged = DateTime.UtcNow;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        shard = (int)this.GetPrimaryKeyLong();
        LogRecovering(logger, shard, Silo);
        opening = Task.Run(() => ShardGallery.OpenAsync(shard, resources, stopping.Token));
        opening.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) LogRecovered(logger, shard, t.Result.Index.Current.Images.Count, t.Result.Index.Current.Captions.Count, t.Result.Description);
            else if (!stopping.IsCancellationRequested) LogFailed(logger, t.Exception!.GetBaseException(), shard);
        }, TaskScheduler.Default);
        this.RegisterGrainTimer(CheckPlacement, new GrainTimerCreationOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (opening is { } open)
        {
            try
            {
                await (await open).DisposeAsync();
            }
            catch (Exception) when (!open.IsCompletedSuccessfully)
            {
                // It never opened: nothing to close.
            }
        }
    }

    string Silo => localSilo.SiloAddress.Endpoint.ToString();

    public Task<ShardStatus> StatusAsync()
    {
        var (gallery, notReady) = Current();
        var snapshot = gallery?.Index.Current;
        return Task.FromResult(new ShardStatus(shard, Silo, gallery is not null, notReady ?? "ready", snapshot?.Images.Count ?? 0, snapshot?.Captions.Count ?? 0,
            gallery?.Quarantined ?? 0));
    }

    public async Task<ShardReply<ShardWrite>> AppendAsync(ShardRecord[] records)
    {
        if (accepts.Append(shard, records) is { } refused) return ShardReply<ShardWrite>.Refuse(refused);
        var (gallery, notReady) = await CurrentForWriteAsync();
        if (gallery is null) return ShardReply<ShardWrite>.Unavailable(notReady!);
        var snapshot = gallery.Index.Current;
        int replaced = records.Count(r => r.Kind == (byte)GalleryRecordKind.AddImage ? snapshot.Images.ContainsKey(r.Id) : snapshot.Captions.ContainsKey(r.Id));
        await gallery.AppendAsync([.. records.Select(r => new GalleryRecord((GalleryRecordKind)r.Kind, r.Id, r.Metadata, r.Payload))]);
        return ShardReply<ShardWrite>.Ready(new ShardWrite(records.Length - replaced, replaced));
    }

    public async Task<ShardReply<bool>> DeleteAsync(GalleryItemKind kind, string id)
    {
        if (accepts.Delete(shard, kind, id) is { } refused) return ShardReply<bool>.Refuse(refused);
        var (gallery, notReady) = await CurrentForWriteAsync();
        if (gallery is null) return ShardReply<bool>.Unavailable(notReady!);
        var snapshot = gallery.Index.Current;
        if (!(kind == GalleryItemKind.Image ? snapshot.Images.ContainsKey(id) : snapshot.Captions.ContainsKey(id))) return ShardReply<bool>.Ready(false);
        await gallery.AppendAsync([kind == GalleryItemKind.Image ? GalleryRecord.DeleteImage(id) : GalleryRecord.DeleteCaption(id)]);
        return ShardReply<bool>.Ready(true);
    }

    public Task<ShardReply<string[]>> ExistingAsync(GalleryItemKind kind, string[] ids) => Read(gallery =>
    {
        var snapshot = gallery.Index.Current;
        return ids.Where(kind == GalleryItemKind.Image ? snapshot.Images.ContainsKey : snapshot.Captions.ContainsKey).ToArray();
    });

    public Task<ShardReply<ShardItem?>> GetAsync(GalleryItemKind kind, string id, bool withEmbeddings) => Read(gallery =>
    {
        var snapshot = gallery.Index.Current;
        if (kind == GalleryItemKind.Image)
            return snapshot.Images.TryGetValue(id, out var image) ? Item(image.Segment, image.Slot, withEmbeddings
                ? gallery.Index.Codec.EncodeImage(image.Segment.Read(image.Slot)) : null) : null;
        return snapshot.Captions.TryGetValue(id, out var caption) ? Item(caption.Segment, caption.Slot, withEmbeddings
            ? gallery.Index.Codec.EncodeCaption(caption.Segment.Read(caption.Slot)) : null) : null;
    });

    public Task<ShardReply<byte[]?>> PictureAsync(string id) => Read(gallery =>
        gallery.Index.Current.Images.TryGetValue(id, out var image) ? image.Segment.Picture(image.Slot).ToArray() : null);

    public Task<ShardReply<ShardPage>> FirstAsync(GalleryItemKind kind, int count) => Read(gallery =>
    {
        var snapshot = gallery.Index.Current;
        return kind == GalleryItemKind.Image
            ? new ShardPage(snapshot.Images.Count, [.. snapshot.Images.Values.Take(count).Select(l => Item(l.Segment, l.Slot, null))])
            : new ShardPage(snapshot.Captions.Count, [.. snapshot.Captions.Values.Take(count).Select(l => Item(l.Segment, l.Slot, null))]);
    });

    public Task<ShardReply<ShardQueryResult[]>> TextToImageAsync(ShardTextQuery[] queries, int k, string model) =>
        accepts.Search(queries, k, model, accepts.TextQuery) is { } refused ? Task.FromResult(ShardReply<ShardQueryResult[]>.Refuse(refused)) : Read(gallery =>
    {
        var searchModel = Enum.Parse<SearchModel>(model, ignoreCase: true);
        var results = gallery.Engine.TextToImage([.. queries.Select(q => new TextSearchJob([q.Text], k, searchModel, q.CandidateIds, null))]);
        return results.Select(r => Result(r[0])).ToArray();
    });

    public Task<ShardReply<ShardQueryResult[]>> ImageToTextAsync(ShardImageQuery[] queries, int k, string model) =>
        accepts.Search(queries, k, model, accepts.ImageQuery) is { } refused ? Task.FromResult(ShardReply<ShardQueryResult[]>.Refuse(refused)) : Read(gallery =>
    {
        var searchModel = Enum.Parse<SearchModel>(model, ignoreCase: true);
        var results = gallery.Engine.ImageToText([.. queries.Select(q => new ImageSearchJob(
            [new ImageQueryInput(null, null, gallery.Index.Codec.DecodeImage(q.Image, "query"))], k, searchModel, q.CandidateIds, null))]);
        return results.Select(r => Result(r[0])).ToArray();
    });

    public Task<ShardReply<ShardHeadHit[][]>> FirstStageAsync(GalleryItemKind kind, float[][] queryVectors, int shortlist, string[]? candidateIds) => Read(gallery =>
    {
        var snapshot = gallery.Index.Current;
        return kind == GalleryItemKind.Image
            ? queryVectors.Select(q => Heads(candidateIds is null ? ShortlistScan.Top(snapshot.ImageSegments, q, shortlist)
                : ShortlistScan.Top(snapshot.Images.Locate(candidateIds), q, shortlist), q)).ToArray()
            : queryVectors.Select(q => Heads(candidateIds is null ? ShortlistScan.Top(snapshot.CaptionSegments, q, shortlist)
                : ShortlistScan.Top(snapshot.Captions.Locate(candidateIds), q, shortlist), q)).ToArray();
    });

    /// <summary>The open shard, or why there is none yet (recovering, or failed: then the next call tries again elsewhere or anew).</summary>
    (ShardGallery? Gallery, string? NotReady) Current()
    {
        var open = opening!;
        if (open.IsCompletedSuccessfully) return (open.Result, null);
        if (!open.IsCompleted) return (null, $"shard {shard} is recovering its data on silo {Silo}");
        // A failed recovery (Redis away, a bundle mismatch) is not kept: a fresh activation tries again.
        DeactivateOnIdle();
        return (null, $"shard {shard} failed to recover on silo {Silo}: {open.Exception!.GetBaseException().Message}");
    }

    /// <summary>
    /// The open shard for a write, waiting for a recovery in progress (a shard that just moved recovers in about a
    /// second) up to half the caller's patience, so adds ride through a rebalance instead of failing.
    /// </summary>
    async Task<(ShardGallery? Gallery, string? NotReady)> CurrentForWriteAsync()
    {
        var open = opening!;
        if (!open.IsCompleted)
        {
            var patience = TimeSpan.FromSeconds(resources.Options.Cluster.ShardTimeoutSeconds / 2.0);
            await Task.WhenAny(open, Task.Delay(patience));
        }
        return Current();
    }

    /// <summary>Runs a read on the thread pool (scoring is long and CPU-bound; Orleans' scheduler threads stay free) once the shard is open.</summary>
    async Task<ShardReply<T>> Read<T>(Func<ShardGallery, T> read)
    {
        var (gallery, notReady) = Current();
        if (gallery is null) return ShardReply<T>.Unavailable(notReady!);
        await gallery.CatchUpAsync(stopping.Token);
        return ShardReply<T>.Ready(await Task.Run(() => read(gallery)));
    }

    /// <summary>
    /// Leaves for the owner <see cref="ShardOwner"/> picks, but only once membership has been still for a while: right
    /// after a silo dies the table still lists it as active, and moving by that view would send the shard back and
    /// forth. Each activation also waits that long, so a shard never moves twice in quick succession.
    /// </summary>
    Task CheckPlacement(CancellationToken cancellationToken)
    {
        // The set of active silos, not the table's version: under load silos suspect each other and every vote bumps the
        // version without changing who is active; waiting for a still version then never ended (seen on 2 busy cores).
        var active = ShardOwner.Active(membership.CurrentSnapshot).ToList();
        var activeNow = string.Join(",", active.Select(s => s.ToParsableString()).Order(StringComparer.Ordinal));
        if (activeNow != activeSilos) (activeSilos, activeSilosChanged) = (activeNow, DateTime.UtcNow);
        var settle = TimeSpan.FromSeconds(5 * resources.Options.Cluster.ProbeSeconds);
        if (active.Count == 0 || opening is not { IsCompleted: true } || DateTime.UtcNow - activeSilosChanged < settle) return Task.CompletedTask;
        var owner = ShardOwner.Pick(shard, resources.Options.Cluster.Shards, active);
        if (!owner.Equals(localSilo.SiloAddress))
        {
            LogMoving(logger, shard, Silo, owner.ToString());
            // Migration, not deactivation: it asks the placement director where to go and updates the grain directory
            // at once. A deactivated shard was reactivated where it was by the next call from a silo whose directory
            // cache still pointed here, and left again every 14 s (3 of 6 test runs on busy cores never settled).
            MigrateOnIdle();
        }
        return Task.CompletedTask;
    }

    static ShardItem Item(GallerySegment segment, int slot, byte[]? payload) =>
        new(segment.Id(slot), segment.Text(slot), segment.MetadataJson(slot), payload, payload is null ? null : segment.ShortlistVector(slot).ToArray() is { Length: > 0 } v ? v : null);

    static ShardQueryResult Result(QueryResult result) =>
        new(result.Reranked, [.. result.Hits.Select(h => new ShardHit(h.Id, h.Score, h.Text, h.Metadata?.ToJsonString()))]);

    static ShardHeadHit[] Heads<TSegment>(List<ItemLocation<TSegment>> top, float[] query) where TSegment : GallerySegment =>
        // The same dot product the scan ranked by (one item's, in one call), so the front merges shards by the scan's own scores.
        [.. top.Select(l => new ShardHeadHit(l.Segment.Id(l.Slot), System.Numerics.Tensors.TensorPrimitives.Dot(query, l.Segment.ShortlistVector(l.Slot))))];

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} activating on {Silo}: recovering its data")]
    static partial void LogRecovering(ILogger logger, int shard, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} ready: {Images} images, {Captions} captions from {Store}")]
    static partial void LogRecovered(ILogger logger, int shard, int images, int captions, string store);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shard {Shard} failed to recover")]
    static partial void LogFailed(ILogger logger, Exception exception, int shard);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} leaves {Silo} for {Owner}, its owner now")]
    static partial void LogMoving(ILogger logger, int shard, string silo, string owner);
}
