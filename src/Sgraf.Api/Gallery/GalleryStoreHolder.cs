namespace Sgraf.Api.Gallery;

/// <summary>The gallery store once start-up has opened it; disposes it when the service stops.</summary>
public sealed class GalleryStoreHolder : IAsyncDisposable
{
    IGalleryStore? store;

    /// <exception cref="ServiceNotReadyException">Start-up has not opened the store yet.</exception>
    public IGalleryStore Store => Volatile.Read(ref store) ?? throw new ServiceNotReadyException("the gallery store is not open yet");

    /// <summary>The store, or null before start-up has opened it.</summary>
    public IGalleryStore? Opened => Volatile.Read(ref store);

    public void Set(IGalleryStore opened) => Volatile.Write(ref store, opened);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref store, null) is { } opened) await opened.DisposeAsync();
    }
}
