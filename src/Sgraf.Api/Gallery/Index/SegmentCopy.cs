using System.Collections.Immutable;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// The live items of frozen segments (as their views showed them when frozen), copied into new segments that are
/// sealed into files, each new slot remembering the slot its item came from. The frozen segments take no more items, so
/// their written slots can be read while the index's writer goes on; only <see cref="Swap"/> needs the writer's lock.
/// </summary>
internal sealed class SegmentCopy<TSegment>(IReadOnlyList<SegmentView<TSegment>> frozen) where TSegment : GallerySegment
{
    readonly List<(TSegment Segment, ItemLocation<TSegment>[] Sources)> copies = [];

    /// <summary>
    /// Copies the frozen live items, <paramref name="capacity"/> per new segment (made by <paramref name="create"/> for a
    /// number of items), with <paramref name="copy"/> (new segment, old segment, old slot), and seals each with
    /// <paramref name="seal"/>.
    /// </summary>
    public void Write(int capacity, Func<int, TSegment> create, Action<TSegment, TSegment, int> copy, Action<TSegment> seal)
    {
        var live = frozen.SelectMany(view => Enumerable.Range(0, view.Count).Where(slot => view.Alive[slot])
            .Select(slot => new ItemLocation<TSegment>(view.Segment, slot))).ToArray();
        foreach (var sources in live.Chunk(capacity))
        {
            var segment = create(sources.Length);
            foreach (var source in sources) copy(segment, source.Segment, source.Slot);
            seal(segment);
            copies.Add((segment, sources));
        }
    }

    /// <summary>
    /// Writer, under its lock: points every item that is still where it was frozen at its copy, and kills the copies of
    /// items deleted or replaced since; then puts the new segments in the list in place of the frozen ones (before the
    /// segments opened since, so the open one stays last). Publish afterwards.
    /// </summary>
    public void Swap(ImmutableSortedDictionary<string, ItemLocation<TSegment>>.Builder items, List<TSegment> segments)
    {
        foreach (var (segment, sources) in copies)
            for (int slot = 0; slot < sources.Length; slot++)
            {
                var source = sources[slot];
                string id = source.Segment.Id(source.Slot);
                if (items.TryGetValue(id, out var at) && at == source) items[id] = new(segment, slot);
                else segment.Kill(slot);
            }
        var replaced = frozen.Select(view => view.Segment).ToHashSet();
        segments.RemoveAll(replaced.Contains);
        int opened = segments.FindIndex(s => s.FileName is null);
        segments.InsertRange(opened < 0 ? segments.Count : opened, copies.Select(c => c.Segment));
    }
}
