using System.Diagnostics.Metrics;

namespace Sgraf.Api.Observability;

/// <summary>
/// Gallery stream entries this process could not read and set aside (quarantined) instead of stopping on them:
/// <c>sgraf_gallery_quarantined_entries_total{gallery}</c>, by the gallery's Redis key prefix (a shard's is
/// <c>PREFIX:shard-NNNN</c>). Any increase deserves a look: the entry is kept in Redis with its stream id.
/// </summary>
public sealed class GalleryQuarantineMetrics(IMeterFactory meterFactory)
{
    readonly Counter<long> quarantined = SgrafMeter.Create(meterFactory).CreateCounter<long>(
        "gallery_quarantined_entries_total", "{entry}", "Gallery stream entries that could not be read and were set aside, by gallery.");

    public void Quarantined(string gallery) => quarantined.Add(1, new KeyValuePair<string, object?>("gallery", gallery));
}
