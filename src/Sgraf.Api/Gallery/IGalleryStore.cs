namespace Sgraf.Api.Gallery;

/// <summary>
/// Where the gallery's changes are kept durably: a local write-ahead log (<see cref="Local.LocalGalleryStore"/>, one process)
/// or Redis (shared by replicas). The service keeps its searchable in-memory index in step by applying, in the store's
/// order, every record the store delivers — its own appends and, for a shared store, other replicas' too.
/// </summary>
/// <remarks>
/// Every store is opened for one bundle (its manifest hash) and refuses a gallery written with another bundle
/// (<see cref="GalleryBundleMismatchException"/>): embeddings of two bundles are never mixed.
/// </remarks>
public interface IGalleryStore : IAsyncDisposable
{
    /// <summary>What and where the store is, for logs and /health/ready: e.g. "log /data/gallery.log".</summary>
    string Description { get; }

    /// <summary>
    /// Delivers everything the store holds to <paramref name="apply"/> (batches in store order), then returns; from
    /// then until disposal, delivers every later append (its own and other writers') in store order. Calls to
    /// <paramref name="apply"/> never overlap. Call once.
    /// </summary>
    /// <exception cref="GalleryBundleMismatchException">The stored gallery was encoded with another bundle.</exception>
    Task StartAsync(Action<IReadOnlyList<GalleryRecord>> apply, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="records"/> durably (they survive kill -9 of this process once this returns) and returns
    /// only after they have been passed to the apply callback, so a caller reads its own writes.
    /// </summary>
    Task AppendAsync(IReadOnlyList<GalleryRecord> records, CancellationToken cancellationToken);
}
