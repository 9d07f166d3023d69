using System.Collections.Immutable;

namespace Sgraf.Api.Gallery.Index;

/// <summary>Where a live item is: its segment and slot.</summary>
public readonly record struct ItemLocation<TSegment>(TSegment Segment, int Slot) where TSegment : GallerySegment;

/// <summary>
/// The gallery as of one applied batch of changes, immutable: searches and reads take one and are never affected by
/// changes applied while they run. Ids are sorted ordinally (stable paging).
/// </summary>
public sealed record GallerySnapshot(
    long Version,
    IReadOnlyList<SegmentView<ImageSegment>> ImageSegments,
    IReadOnlyList<SegmentView<CaptionSegment>> CaptionSegments,
    ImmutableSortedDictionary<string, ItemLocation<ImageSegment>> Images,
    ImmutableSortedDictionary<string, ItemLocation<CaptionSegment>> Captions)
{
    public static readonly GallerySnapshot Empty = new(0, [], [],
        ImmutableSortedDictionary.Create<string, ItemLocation<ImageSegment>>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, ItemLocation<CaptionSegment>>(StringComparer.Ordinal));
}

public static class ItemLocations
{
    /// <summary>The locations of <paramref name="ids"/> still in the snapshot (one deleted since the request was checked is skipped), each once.</summary>
    public static List<ItemLocation<TSegment>> Locate<TSegment>(this ImmutableSortedDictionary<string, ItemLocation<TSegment>> items,
        IReadOnlyList<string> ids) where TSegment : GallerySegment =>
        [.. ids.Distinct(StringComparer.Ordinal).Where(items.ContainsKey).Select(id => items[id])];
}
