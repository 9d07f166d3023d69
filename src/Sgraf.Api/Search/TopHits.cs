using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Search;

/// <summary>
/// The best k of a stream of scored gallery slots: highest score first, equal scores by id (ordinal), so the answer
/// does not depend on the order items are offered in — a batched search equals the same search alone.
/// </summary>
public sealed class TopHits(int k)
{
    readonly PriorityQueue<Candidate, Candidate> worstFirst = new(k + 1, WorseFirst.Instance);

    public readonly record struct Candidate(double Score, string Id, GallerySegment Segment, int Slot);

    public void Offer(double score, GallerySegment segment, int slot)
    {
        if (worstFirst.Count == k && !IsBetter(score, segment.Id(slot), worstFirst.Peek())) return;
        var candidate = new Candidate(score, segment.Id(slot), segment, slot);
        if (worstFirst.Count < k) worstFirst.Enqueue(candidate, candidate);
        else worstFirst.DequeueEnqueue(candidate, candidate);
    }

    /// <summary>The hits, best first.</summary>
    public IReadOnlyList<Candidate> Best(int count)
    {
        var all = worstFirst.UnorderedItems.Select(x => x.Element).ToList();
        all.Sort((a, b) => WorseFirst.Instance.Compare(b, a));
        return all.Count > count ? all[..count] : all;
    }

    /// <summary>The best <paramref name="k"/> as query <paramref name="query"/>'s answer, chosen from <paramref name="reranked"/> exactly scored items.</summary>
    public QueryResult Result(int query, int k, int reranked) =>
        new(query, reranked, [.. Best(k).Select(c => new SearchHit(c.Id, c.Score, c.Segment.Text(c.Slot), c.Segment.Metadata(c.Slot)))]);

    static bool IsBetter(double score, string id, Candidate than) =>
        score > than.Score || (score == than.Score && string.CompareOrdinal(id, than.Id) < 0);

    sealed class WorseFirst : IComparer<Candidate>
    {
        public static readonly WorseFirst Instance = new();

        public int Compare(Candidate a, Candidate b) =>
            a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(b.Id, a.Id);
    }
}
