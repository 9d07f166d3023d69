using static TorchSharp.torch;

namespace Sgraf.Training.Shortlist;

/// <summary>
/// Batches of images in groups the head finds alike: each group is a random seed image and its nearest neighbours by
/// head vector (not yet taken), so a batch holds the near misses the shortlist has to order, and the exact model's
/// scores of those pairs are what the head learns from.
/// </summary>
public static class HardBatches
{
    const int ChunkRows = 1024;

    /// <param name="vectors">(N, P) l2-normalised head image vectors.</param>
    public static List<int[]> Build(Tensor vectors, int groupSize, int batchSize, Random rng)
    {
        int count = (int)vectors.shape[0];
        int neighbours = Math.Min(groupSize * 2, count);
        var nearest = new long[count][];
        using (no_grad())
        {
            for (int start = 0; start < count; start += ChunkRows)
            {
                using var scope = NewDisposeScope();
                int rows = Math.Min(ChunkRows, count - start);
                var similar = vectors.narrow(0, start, rows).matmul(vectors.t()).topk(neighbours, dim: 1).indexes.contiguous();
                var flat = similar.data<long>().ToArray();
                for (int r = 0; r < rows; r++) nearest[start + r] = flat.AsSpan(r * neighbours, neighbours).ToArray();
            }
        }

        var seeds = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(seeds);
        var taken = new bool[count];
        var groups = new List<List<int>>();
        foreach (var seed in seeds)
        {
            if (taken[seed]) continue;
            var group = new List<int> { seed };
            taken[seed] = true;
            foreach (var n in nearest[seed])
            {
                if (group.Count == groupSize) break;
                if (!taken[n]) { taken[n] = true; group.Add((int)n); }
            }
            groups.Add(group);
        }
        var order = groups.ToArray();
        rng.Shuffle(order);
        return [.. order.SelectMany(g => g).Chunk(batchSize)];
    }

    /// <summary>Random batches (the first epoch, and group size 1).</summary>
    public static List<int[]> Random(int count, int batchSize, Random rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return [.. order.Chunk(batchSize)];
    }
}
