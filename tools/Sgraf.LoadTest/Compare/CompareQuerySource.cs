using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.LoadTest.Load;

namespace Sgraf.LoadTest.Compare;

/// <summary>The queries of one comparison: sentences for text-to-image, gallery image ids for image-to-text.</summary>
internal sealed record CompareQueries(IReadOnlyList<string> Sentences, IReadOnlyList<string> ImageIds);

/// <summary>
/// Draws compare-answers' queries with a seed: captions and image ids of a service's gallery (GET /captions and
/// GET /images, one item per drawn offset), or sentences from a caption file. The same seed draws the same queries.
/// </summary>
internal static class CompareQuerySource
{
    public static CompareQueries Draw(BenchServiceClient service, int count, int seed, string? captionFile, CancellationToken cancel)
    {
        var random = new Random(seed);
        var sentences = captionFile is null ? ItemsAt(service, "captions", "text", count, random, cancel) : FromFile(captionFile, count, random);
        var imageIds = ItemsAt(service, "images", "id", count, random, cancel);
        return new CompareQueries(sentences, imageIds);
    }

    /// <summary><paramref name="count"/> distinct indices below <paramref name="total"/> in the order drawn (every index, shuffled, when there are no more).</summary>
    public static int[] Pick(int total, int count, Random random)
    {
        if (total <= count)
        {
            var all = Enumerable.Range(0, total).ToArray();
            random.Shuffle(all);
            return all;
        }
        var picked = new List<int>(count);
        var seen = new HashSet<int>();
        while (picked.Count < count)
            if (random.Next(total) is var index && seen.Add(index)) picked.Add(index);
        return [.. picked];
    }

    static List<string> ItemsAt(BenchServiceClient service, string collection, string field, int count, Random random, CancellationToken cancel)
    {
        var (total, _) = service.PageAsync(collection, 0, 1, cancel).GetAwaiter().GetResult();
        if (total == 0) throw new InvalidInputException($"{service.Address}{collection} is empty: there is nothing to draw queries from");
        return [.. Pick(total, count, random).Select(offset =>
        {
            var (_, items) = service.PageAsync(collection, offset, 1, cancel).GetAwaiter().GetResult();
            // The gallery changed under us (an item deleted): the page past the end is empty.
            if (items.Count == 0) throw new InvalidInputException($"{service.Address}{collection} has no item at offset {offset} of {total}; is something changing the gallery?");
            return BenchServiceClient.Field(items[0], field).GetValue<string>();
        })];
    }

    static List<string> FromFile(string path, int count, Random random)
    {
        var lines = CaptionFile.Read(path);
        if (lines.Count == 0) throw InvalidInputException.InFile(path, "holds no captions");
        return [.. Pick(lines.Count, count, random).Select(i => lines[i])];
    }
}
