using System.Text.Json.Nodes;
using Sgraf.Api.Gallery.Index;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery;

/// <summary>What an add did: ids that were new, and ids that replaced an item.</summary>
public sealed record AddOutcome(int Added, int Replaced, IReadOnlyList<string> Ids);

/// <summary>
/// Changes the gallery: encodes new items with the bundle (raw features are not kept), writes the change to the
/// store — durable when this returns — and, through the store, to the in-memory index.
/// </summary>
public sealed class GalleryWriter(SgrafRuntime runtime, GalleryIndex index, GalleryStoreHolder store, MemoryRelease memory) : IGalleryWriter
{
    public async Task<AddOutcome> AddImagesAsync(IReadOnlyList<ImageToAdd> images, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await AppendAdds(NewItemRecords.Images(runtime, index.Codec, images), index.Current.Images.ContainsKey);
    }

    public async Task<AddOutcome> AddCaptionsAsync(IReadOnlyList<(string Id, string Text, JsonObject? Metadata)> captions, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await AppendAdds(NewItemRecords.Captions(runtime, index.Codec, captions), index.Current.Captions.ContainsKey);
    }

    /// <summary>False when the image is not in the gallery (nothing is written).</summary>
    public Task<bool> DeleteImageAsync(string id, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<bool>(cancellationToken) : Delete(index.Current.Images.ContainsKey(id), GalleryRecord.DeleteImage(id));

    public Task<bool> DeleteCaptionAsync(string id, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<bool>(cancellationToken) : Delete(index.Current.Captions.ContainsKey(id), GalleryRecord.DeleteCaption(id));

    async Task<AddOutcome> AppendAdds(GalleryRecord[] records, Func<string, bool> exists)
    {
        int replaced = records.Count(r => exists(r.Id));
        // Once the store has the change, finishing it matters more than the caller's patience: it is not cancelled.
        await store.Store.AppendAsync(records, CancellationToken.None);
        memory.AfterChange();
        return new AddOutcome(records.Length - replaced, replaced, [.. records.Select(r => r.Id)]);
    }

    async Task<bool> Delete(bool exists, GalleryRecord record)
    {
        if (!exists) return false;
        await store.Store.AppendAsync([record], CancellationToken.None);
        return true;
    }
}
