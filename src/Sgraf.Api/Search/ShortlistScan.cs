using System.Numerics.Tensors;
using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Search;

/// <summary>
/// The first stage of a shortlist search: the k items whose shortlist vectors have the largest dot product with the
/// query's (ties by id, as in <see cref="TopHits"/>), best first. An exact scan of the live slots, not an approximate
/// index: at Dim floats an item it costs little next to scoring the k shortlisted pairs exactly.
/// </summary>
public static class ShortlistScan
{
    // Below this many slots, splitting the scan across threads costs more than it saves.
    const int ParallelAbove = 16_384;

    public static List<ItemLocation<TSegment>> Top<TSegment>(IReadOnlyList<SegmentView<TSegment>> views, float[] query, int k)
        where TSegment : GallerySegment =>
        Top(views, query, k, parallel: views.Count > 1 && views.Sum(v => v.Count) > ParallelAbove);

    /// <summary>
    /// Segments scanned side by side (each keeping its own top k, merged after) or in turn. The order (score, id) is
    /// total, so both give the same answer.
    /// </summary>
    internal static List<ItemLocation<TSegment>> Top<TSegment>(IReadOnlyList<SegmentView<TSegment>> views, float[] query, int k, bool parallel)
        where TSegment : GallerySegment
    {
        var top = new TopHits(k);
        if (parallel)
        {
            var partial = new TopHits[views.Count];
            Parallel.For(0, views.Count, v => Scan(views[v], query, partial[v] = new TopHits(k)));
            foreach (var hits in partial)
                foreach (var c in hits.Best(k)) top.Offer(c.Score, c.Segment, c.Slot);
        }
        else
        {
            foreach (var view in views) Scan(view, query, top);
        }
        return Locations<TSegment>(top, k);
    }

    /// <summary>The first stage over given items (a request's candidate ids).</summary>
    public static List<ItemLocation<TSegment>> Top<TSegment>(IReadOnlyList<ItemLocation<TSegment>> items, float[] query, int k)
        where TSegment : GallerySegment
    {
        var top = new TopHits(k);
        foreach (var (segment, slot) in items) top.Offer(TensorPrimitives.Dot(query, segment.ShortlistVector(slot)), segment, slot);
        return Locations<TSegment>(top, k);
    }

    static void Scan<TSegment>(SegmentView<TSegment> view, float[] query, TopHits top) where TSegment : GallerySegment
    {
        for (int slot = 0; slot < view.Count; slot++)
            if (view.Alive[slot]) top.Offer(TensorPrimitives.Dot(query, view.Segment.ShortlistVector(slot)), view.Segment, slot);
    }

    static List<ItemLocation<TSegment>> Locations<TSegment>(TopHits top, int k) where TSegment : GallerySegment =>
        [.. top.Best(k).Select(c => new ItemLocation<TSegment>((TSegment)c.Segment, c.Slot))];
}
