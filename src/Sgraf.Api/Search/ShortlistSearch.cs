using System.Diagnostics;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Observability;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Search;

/// <summary>
/// Shortlist-mode searches. Per query: the first stage (<see cref="ShortlistScan"/>) over the items searched, the exact
/// score of the shortlisted pairs, then the top k by exact score (ties by id). Each query is scored on its own, so its
/// answer is the same batched or alone (to float32 rounding). A batch's queries share no scoring call, unlike exact
/// mode's, so they run side by side within the batch's share of the cores, and each query's rerank splits its lane's part.
/// </summary>
public sealed class ShortlistSearch(ExactScorer scorer, EmbeddingCodec codec, SearchMetrics metrics)
{
    /// <summary>Each job's results; every job must have a shortlist size and every query its shortlist vector.</summary>
    /// <param name="cores">The budget this batch is a search in flight of.</param>
    public IReadOnlyList<QueryResult>[] TextToImage(IReadOnlyList<TextSearchJob> jobs, IReadOnlyDictionary<string, EncodedCaption> encoded,
        GallerySnapshot snapshot, CoreBudget cores)
    {
        var candidates = jobs.Select(job => job.CandidateIds is null ? null : snapshot.Images.Locate(job.CandidateIds)).ToArray();
        return PerQuery([.. jobs.Select(j => j.Queries.Count)], cores, (j, q, parallelism) =>
        {
            var (job, query) = (jobs[j], encoded[jobs[j].Queries[q]]);
            var shortlisted = FirstStage(snapshot.ImageSegments, candidates[j], query.ShortlistVector, job.Shortlist, "text-to-image");
            if (shortlisted.Count == 0) return new QueryResult(q, 0, []);
            var images = Sources(shortlisted, (segment, count) => segment.Embeddings(count));
            var scores = scorer.Score(images, EmbeddingPacking.Captions([query], codec), job.Model, "text-to-image", parallelism);
            var top = new TopHits(job.K);
            for (int i = 0; i < shortlisted.Count; i++) top.Offer(scores[i, 0], shortlisted[i].Segment, shortlisted[i].Slot);
            return top.Result(q, job.K, shortlisted.Count);
        });
    }

    /// <summary>Each job's results, for its query images (gallery images or encoded raw features, with their vectors).</summary>
    /// <param name="cores">The budget this batch is a search in flight of.</param>
    public IReadOnlyList<QueryResult>[] ImageToText(IReadOnlyList<ImageSearchJob> jobs, IReadOnlyList<IReadOnlyList<EncodedImage>> queryImages,
        GallerySnapshot snapshot, CoreBudget cores)
    {
        var candidates = jobs.Select(job => job.CandidateIds is null ? null : snapshot.Captions.Locate(job.CandidateIds)).ToArray();
        return PerQuery([.. jobs.Select(j => j.Queries.Count)], cores, (j, q, parallelism) =>
        {
            var (job, query) = (jobs[j], queryImages[j][q]);
            var shortlisted = FirstStage(snapshot.CaptionSegments, candidates[j], query.ShortlistVector, job.Shortlist, "image-to-text");
            if (shortlisted.Count == 0) return new QueryResult(q, 0, []);
            var captions = CaptionEmbeddings.Gather(Sources(shortlisted, (segment, count) => segment.Embeddings(count)));
            var scores = scorer.Score(EmbeddingPacking.Images([query], codec), captions, job.Model, "image-to-text", parallelism);
            var top = new TopHits(job.K);
            for (int c = 0; c < shortlisted.Count; c++) top.Offer(scores[0, c], shortlisted[c].Segment, shortlisted[c].Slot);
            return top.Result(q, job.K, shortlisted.Count);
        });
    }

    List<ItemLocation<TSegment>> FirstStage<TSegment>(IReadOnlyList<SegmentView<TSegment>> gallery, List<ItemLocation<TSegment>>? candidates,
        float[]? query, int? shortlist, string direction) where TSegment : GallerySegment
    {
        if (query is null || shortlist is not { } k) throw new InvalidOperationException("a shortlist search needs the bundle's shortlist head");
        var watch = Stopwatch.StartNew();
        var top = candidates is null ? ShortlistScan.Top(gallery, query, k) : ShortlistScan.Top(candidates, query, k);
        metrics.FirstStageCompleted(direction, watch.Elapsed);
        return top;
    }

    /// <summary>
    /// Every (job, query) pair run side by side, in as many lanes as the batch's share of the cores when it starts; each
    /// query is given its lane's part of the share when it starts, for its rerank. The results regrouped by job, in query order.
    /// </summary>
    static IReadOnlyList<QueryResult>[] PerQuery(int[] queriesPerJob, CoreBudget cores, Func<int, int, int, QueryResult> run)
    {
        var pairs = queriesPerJob.SelectMany((count, j) => Enumerable.Range(0, count).Select(q => (Job: j, Query: q))).ToArray();
        var answers = new QueryResult[pairs.Length];
        int lanes = Math.Clamp(cores.Share, 1, Math.Max(1, pairs.Length));
        Parallel.For(0, pairs.Length, new ParallelOptions { MaxDegreeOfParallelism = lanes },
            i => answers[i] = run(pairs[i].Job, pairs[i].Query, Math.Max(1, cores.Share / lanes)));
        var results = new IReadOnlyList<QueryResult>[queriesPerJob.Length];
        for (int j = 0, at = 0; j < queriesPerJob.Length; at += queriesPerJob[j], j++) results[j] = answers[at..(at + queriesPerJob[j])];
        return results;
    }

    /// <summary>Each item as (its segment's slots as runtime input, its slot); one runtime view per segment.</summary>
    static List<(TEmbeddings, int)> Sources<TSegment, TEmbeddings>(List<ItemLocation<TSegment>> items, Func<TSegment, int, TEmbeddings> embeddings)
        where TSegment : GallerySegment
    {
        var bySegment = items.GroupBy(i => i.Segment).ToDictionary(g => g.Key, g => embeddings(g.Key, g.Max(i => i.Slot) + 1));
        return [.. items.Select(i => (bySegment[i.Segment], i.Slot))];
    }
}
