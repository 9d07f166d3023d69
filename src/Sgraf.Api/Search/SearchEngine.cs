using Sgraf.Api.Gallery.Index;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Search;

/// <summary>
/// Runs searches, many at once. Exact mode: queries of one direction and model are scored together against each gallery
/// segment in one runtime call, and every query keeps its own top k. Shortlist mode: <see cref="ShortlistSearch"/>.
/// One search alone goes through the same code, so a batched answer equals the single-request answer. Thread-safe;
/// reads one gallery snapshot per batch. Each call (a batch, or one request when batching is off) is a search in flight
/// of the engine's <see cref="CoreBudget"/>, and every scoring call runs on its current share of the cores. Heavy
/// searches (<see cref="TextSearchJob.Heavy"/>) are in flight of a budget of their own over the same cores: beside
/// light ones, a heavy search's long scoring calls would otherwise keep the share they started with (one core) after
/// the light ones have left, and leave the other idle; measured with 4 heavy searches and single queries sent beside
/// them, they took 1.6–2.1× as long as alone (docs/benchmarks.md, "Admission by cost"). The operating system shares the
/// cores between the two budgets' threads; the heavy lane bounds how many heavy searches run.
/// </summary>
/// <param name="sharedCores">The cores' budget when several engines share them (a silo's shards); else the engine has its own.</param>
public sealed class SearchEngine(SgrafRuntime runtime, GalleryIndex index, QueryEmbeddingCache queryCache, ExactScorer scorer, ShortlistSearch shortlist,
    CoreBudget? sharedCores = null)
{
    readonly CoreBudget cores = sharedCores ?? new(runtime.Options.ScoreParallelism);
    readonly CoreBudget heavyCores = new(runtime.Options.ScoreParallelism);

    /// <summary>How the cores are shared among the light searches in flight.</summary>
    public CoreBudget Cores => cores;

    /// <summary>How the cores are shared among the heavy searches in flight.</summary>
    public CoreBudget HeavyCores => heavyCores;

    public IReadOnlyList<IReadOnlyList<QueryResult>> TextToImage(IReadOnlyList<TextSearchJob> jobs)
    {
        var cores = jobs.Any(j => j.Heavy) ? heavyCores : this.cores;
        using var inFlight = cores.Enter();
        var snapshot = index.Current;
        var encoded = queryCache.Encode(jobs.SelectMany(j => j.Queries));
        var results = new IReadOnlyList<QueryResult>[jobs.Count];
        foreach (var group in Enumerable.Range(0, jobs.Count).Where(j => jobs[j].Shortlist is null).GroupBy(j => jobs[j].Model))
        {
            var model = group.Key;
            var whole = group.Where(j => jobs[j].CandidateIds is null).ToArray();
            if (whole.Length > 0)
            {
                // Equal texts are scored once and shared.
                var texts = whole.SelectMany(j => jobs[j].Queries).Distinct(StringComparer.Ordinal).ToArray();
                var top = texts.ToDictionary(t => t, _ => new TopHits(whole.Max(j => jobs[j].K)), StringComparer.Ordinal);
                var captions = EmbeddingPacking.Captions([.. texts.Select(t => encoded[t])], index.Codec);
                foreach (var view in snapshot.ImageSegments)
                {
                    if (!view.Alive.AsSpan(0, view.Count).Contains(true)) continue;
                    var scores = scorer.Score(view.Segment.Embeddings(view.Count), captions, model, "text-to-image", cores.Share);
                    for (int i = 0; i < view.Count; i++)
                        if (view.Alive[i])
                            for (int q = 0; q < texts.Length; q++) top[texts[q]].Offer(scores[i, q], view.Segment, i);
                }
                foreach (var j in whole) results[j] = Results(jobs[j].Queries.Select(t => top[t]), jobs[j].K, snapshot.Images.Count);
            }
            foreach (var j in group.Where(j => jobs[j].CandidateIds is not null))
            {
                var job = jobs[j];
                var candidates = snapshot.Images.Locate(job.CandidateIds!);
                var images = EmbeddingPacking.Images([.. candidates.Select(c => c.Segment.Read(c.Slot))], index.Codec);
                var captions = EmbeddingPacking.Captions([.. job.Queries.Select(t => encoded[t])], index.Codec);
                var scores = scorer.Score(images, captions, model, "text-to-image", cores.Share);
                var top = job.Queries.Select(_ => new TopHits(job.K)).ToArray();
                for (int i = 0; i < candidates.Count; i++)
                    for (int q = 0; q < top.Length; q++) top[q].Offer(scores[i, q], candidates[i].Segment, candidates[i].Slot);
                results[j] = Results(top, job.K, candidates.Count);
            }
        }
        int[] shortlisted = [.. Enumerable.Range(0, jobs.Count).Where(j => jobs[j].Shortlist is not null)];
        if (shortlisted.Length > 0)
        {
            var reranked = shortlist.TextToImage([.. shortlisted.Select(j => jobs[j])], encoded, snapshot, cores);
            for (int s = 0; s < shortlisted.Length; s++) results[shortlisted[s]] = reranked[s];
        }
        return results;
    }

    public IReadOnlyList<IReadOnlyList<QueryResult>> ImageToText(IReadOnlyList<ImageSearchJob> jobs)
    {
        var cores = jobs.Any(j => j.Heavy) ? heavyCores : this.cores;
        using var inFlight = cores.Enter();
        var snapshot = index.Current;
        var queryImages = ResolveImages(jobs, snapshot);
        var results = new IReadOnlyList<QueryResult>[jobs.Count];
        foreach (var group in Enumerable.Range(0, jobs.Count).Where(j => jobs[j].Shortlist is null).GroupBy(j => jobs[j].Model))
        {
            var model = group.Key;
            var whole = group.Where(j => jobs[j].CandidateIds is null).ToArray();
            if (whole.Length > 0)
            {
                var queries = whole.SelectMany(j => queryImages[j]).ToArray();
                var top = queries.Select(_ => new TopHits(whole.Max(j => jobs[j].K))).ToArray();
                var images = EmbeddingPacking.Images(queries, index.Codec);
                foreach (var view in snapshot.CaptionSegments)
                {
                    if (!view.Alive.AsSpan(0, view.Count).Contains(true)) continue;
                    var scores = scorer.Score(images, view.Segment.Embeddings(view.Count), model, "image-to-text", cores.Share);
                    for (int q = 0; q < queries.Length; q++)
                        for (int c = 0; c < view.Count; c++)
                            if (view.Alive[c]) top[q].Offer(scores[q, c], view.Segment, c);
                }
                int at = 0;
                foreach (var j in whole)
                {
                    results[j] = Results(top.Skip(at).Take(queryImages[j].Count), jobs[j].K, snapshot.Captions.Count);
                    at += queryImages[j].Count;
                }
            }
            foreach (var j in group.Where(j => jobs[j].CandidateIds is not null))
            {
                var job = jobs[j];
                var candidates = snapshot.Captions.Locate(job.CandidateIds!);
                var captions = EmbeddingPacking.Captions([.. candidates.Select(c => c.Segment.Read(c.Slot))], index.Codec);
                var scores = scorer.Score(EmbeddingPacking.Images(queryImages[j], index.Codec), captions, model, "image-to-text", cores.Share);
                var top = queryImages[j].Select(_ => new TopHits(job.K)).ToArray();
                for (int q = 0; q < top.Length; q++)
                    for (int c = 0; c < candidates.Count; c++) top[q].Offer(scores[q, c], candidates[c].Segment, candidates[c].Slot);
                results[j] = Results(top, job.K, candidates.Count);
            }
        }
        int[] shortlisted = [.. Enumerable.Range(0, jobs.Count).Where(j => jobs[j].Shortlist is not null)];
        if (shortlisted.Length > 0)
        {
            var reranked = shortlist.ImageToText([.. shortlisted.Select(j => jobs[j])], [.. shortlisted.Select(j => queryImages[j])], snapshot, cores);
            for (int s = 0; s < shortlisted.Length; s++) results[shortlisted[s]] = reranked[s];
        }
        return results;
    }

    /// <summary>
    /// Query images per job: gallery images are read from the snapshot (with their stored shortlist vectors), raw
    /// features are encoded all at once, and given shortlist vectors when a job of the batch shortlists.
    /// </summary>
    List<EncodedImage>[] ResolveImages(IReadOnlyList<ImageSearchJob> jobs, GallerySnapshot snapshot)
    {
        var raw = jobs.SelectMany(j => j.Queries).Where(q => q.Features is not null).ToArray();
        var encodedRaw = new Queue<EncodedImage>();
        if (raw.Length > 0)
        {
            var features = new float[raw.Sum(q => (long)q.Features!.Length)];
            int at = 0;
            foreach (var q in raw)
            {
                q.Features!.CopyTo(features, at);
                at += q.Features.Length;
            }
            var images = EmbeddingPacking.Split(runtime.EncodeImages(features, raw.Length));
            if (index.Shortlist is { } head && jobs.Any(j => j.Shortlist is not null)) images = ShortlistVectors.Attach(head, images);
            foreach (var image in images) encodedRaw.Enqueue(image);
        }
        return [.. jobs.Select(job => job.Queries.Select(q => q.Encoded is not null ? q.Encoded
            : q.Features is not null
            ? encodedRaw.Dequeue()
            : snapshot.Images.TryGetValue(q.GalleryId!, out var location)
                ? location.Segment.Read(location.Slot)
                : throw new GalleryItemGoneException("image", q.GalleryId!)).ToList())];
    }

    static List<QueryResult> Results(IEnumerable<TopHits> perQuery, int k, int reranked) =>
        [.. perQuery.Select((top, q) => top.Result(q, k, reranked))];
}
