using static TorchSharp.torch;

namespace Sgraf.Training.Shortlist;

/// <summary>A query and the gallery items the head currently ranks highest for it, its true items included.</summary>
public sealed record MinedList(int Query, int[] Candidates);

/// <summary>
/// Lists to distil on where the shortlist is decided (as ANCE mines negatives with the model being trained): for each
/// query, the items the head now ranks highest, so that the exact model's order among exactly those is what the head
/// learns next. The query's true items are added when the head missed them.
/// </summary>
public static class MinedLists
{
    const int ChunkRows = 512;

    /// <param name="queryVectors">(Q, P) head vectors of the queries.</param>
    /// <param name="galleryVectors">(G, P) head vectors of the gallery.</param>
    /// <param name="queries">Which query rows to mine for (indices into <paramref name="queryVectors"/>).</param>
    /// <param name="gallery">Which gallery rows may be candidates (e.g. one caption per distinct text).</param>
    /// <param name="truth">A query's true gallery items.</param>
    public static List<MinedList> Build(float[] queryVectors, float[] galleryVectors, int dim, IReadOnlyList<int> queries,
        IReadOnlyList<int> gallery, int candidates, Func<int, IEnumerable<int>> truth)
    {
        int take = Math.Min(candidates, gallery.Count);
        var lists = new List<MinedList>(queries.Count);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var galleryRows = tensor(galleryVectors, [galleryVectors.Length / dim, dim]).index_select(0, tensor(gallery.Select(g => (long)g).ToArray()));
        var queryRows = tensor(queryVectors, [queryVectors.Length / dim, dim]);
        foreach (var chunk in queries.Chunk(ChunkRows))
        {
            using var chunkScope = NewDisposeScope();
            var top = queryRows.index_select(0, tensor(chunk.Select(q => (long)q).ToArray())).matmul(galleryRows.t())
                .topk(take, dim: 1).indexes.contiguous().data<long>().ToArray();
            for (int r = 0; r < chunk.Length; r++)
            {
                var found = top.AsSpan(r * take, take).ToArray().Select(k => gallery[(int)k]).ToList();
                foreach (var t in truth(chunk[r]))
                    if (!found.Contains(t)) found.Add(t);
                lists.Add(new MinedList(chunk[r], [.. found]));
            }
        }
        return lists;
    }
}
