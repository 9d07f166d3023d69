using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// Items in the gallery, by kind: <c>sgraf_gallery_items{kind="image"|"caption"}</c>, read from the gallery at each
/// scrape so it is never stale.
/// </summary>
public sealed class GallerySizeMetrics
{
    volatile Func<(int Images, int Captions)>? read;

    public GallerySizeMetrics(IMeterFactory meterFactory) =>
        SgrafMeter.Create(meterFactory).CreateObservableGauge("gallery_items", Observe, "{item}", "Items in the gallery, by kind.");

    /// <summary>Reads the gallery's size with <paramref name="reader"/> at every scrape. A later call replaces the reader.</summary>
    public void ReadFrom(Func<(int Images, int Captions)> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        read = reader;
    }

    IEnumerable<Measurement<int>> Observe()
    {
        if (read is not { } reader) return [];
        var (images, captions) = reader();
        return [new(images, new KeyValuePair<string, object?>("kind", "image")), new(captions, new KeyValuePair<string, object?>("kind", "caption"))];
    }
}
