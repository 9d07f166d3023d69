using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Search;
using Sgraf.Api.Tests.Service;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Tests.Search;

public sealed class ShortlistScanTests
{
    static readonly EmbeddingCodec Codec = new(SgrafBundle.Open(SgrafServiceFactory.BundlePath));

    /// <summary>Five small segments of captions whose 3-float vectors take values in {-1, 0, 1}, so many dot products tie.</summary>
    static (List<SegmentView<CaptionSegment>> Views, List<(string Id, float[] Vector, ItemLocation<CaptionSegment> Location)> Live) Gallery()
    {
        var rng = new Random(5);
        var views = new List<SegmentView<CaptionSegment>>();
        var live = new List<(string, float[], ItemLocation<CaptionSegment>)>();
        for (int s = 0; s < 5; s++)
        {
            var segment = new CaptionSegment(Codec, shortlistDim: 3, capacity: 4);
            for (int slot = 0; slot < 4; slot++)
            {
                // Ids out of slot order, so that a tie broken by slot would show.
                string id = $"item-{(7 * (4 * s + slot)) % 20:D2}";
                float[] vector = [rng.Next(-1, 2), rng.Next(-1, 2), rng.Next(-1, 2)];
                var encodings = Codec.Modules.ToDictionary(m => m, m => (new float[Codec.EmbedSize(m)], new float[Codec.EmbedSize(m)]));
                segment.Add(id, new ItemDescription(null, null), new EncodedCaption(1, encodings) { ShortlistVector = vector });
                if ((s + slot) % 3 == 0) segment.Kill(slot);
                else live.Add((id, vector, new ItemLocation<CaptionSegment>(segment, slot)));
            }
            views.Add(segment.Publish<CaptionSegment>());
        }
        return (views, live);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    public void The_top_k_by_dot_product_then_id_is_the_same_scanned_in_turn_side_by_side_or_over_candidates(int k)
    {
        var (views, live) = Gallery();
        float[] query = [1, 2, -1];
        var expected = live.OrderByDescending(i => i.Vector[0] * query[0] + i.Vector[1] * query[1] + i.Vector[2] * query[2])
            .ThenBy(i => i.Id, StringComparer.Ordinal).Take(k).Select(i => i.Id).ToArray();
        Assert.True(expected.Length == Math.Min(k, live.Count));

        string[] Ids(List<ItemLocation<CaptionSegment>> found) => [.. found.Select(l => l.Segment.Id(l.Slot))];
        Assert.Equal(expected, Ids(ShortlistScan.Top(views, query, k, parallel: false)));
        Assert.Equal(expected, Ids(ShortlistScan.Top(views, query, k, parallel: true)));
        Assert.Equal(expected, Ids(ShortlistScan.Top([.. live.Select(i => i.Location).Reverse()], query, k)));
    }
}
