using System.Diagnostics;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Observability;
using Sgraf.Inference.Evaluation;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Search;

/// <summary>
/// Runs searches, many at once: queries of one direction and model are scored together against each gallery segment
/// in one runtime call, and every query keeps its own top k. One search alone goes through the same code, so a batched
/// answer equals the single-request answer. Thread-safe; reads one gallery snapshot per batch.
/// </summary>
public sealed class SearchEngine(SgrafRuntime runtime, GalleryIndex index, QueryEmbeddingCache queryCache, ServiceMetrics metrics)
{
    public IReadOnlyList<IReadOnlyList<QueryResult>> TextToImage(IReadOnlyList<TextSearchJob> jobs)
    {
        var snapshot = index.Current;
        var encoded = queryCache.Encode(jobs.SelectMany(j => j.Queries));
        var results = new IReadOnlyList<QueryResult>[jobs.Count];
        foreach (var group in Enumerable.Range(0, jobs.Count).GroupBy(j => jobs[j].Model))
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
                    var scores = Score(view.Segment.Embeddings(view.Count), captions, model, "text-to-image");
                    for (int i = 0; i < view.Count; i++)
                        if (view.Alive[i])
                            for (int q = 0; q < texts.Length; q++) top[texts[q]].Offer(scores[i, q], view.Segment, i);
                }
                foreach (var j in whole) results[j] = Results(jobs[j].Queries.Select(t => top[t]), jobs[j].K);
            }
            foreach (var j in group.Where(j => jobs[j].CandidateIds is not null))
            {
                var job = jobs[j];
                var candidates = Locate(job.CandidateIds!, snapshot.Images);
                var images = EmbeddingPacking.Images([.. candidates.Select(c => c.Segment.Read(c.Slot))], index.Codec);
                var captions = EmbeddingPacking.Captions([.. job.Queries.Select(t => encoded[t])], index.Codec);
                var scores = Score(images, captions, model, "text-to-image");
                var top = job.Queries.Select(_ => new TopHits(job.K)).ToArray();
                for (int i = 0; i < candidates.Count; i++)
                    for (int q = 0; q < top.Length; q++) top[q].Offer(scores[i, q], candidates[i].Segment, candidates[i].Slot);
                results[j] = Results(top, job.K);
            }
        }
        return results;
    }

    public IReadOnlyList<IReadOnlyList<QueryResult>> ImageToText(IReadOnlyList<ImageSearchJob> jobs)
    {
        var snapshot = index.Current;
        var queryImages = ResolveImages(jobs, snapshot);
        var results = new IReadOnlyList<QueryResult>[jobs.Count];
        foreach (var group in Enumerable.Range(0, jobs.Count).GroupBy(j => jobs[j].Model))
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
                    var scores = Score(images, view.Segment.Embeddings(view.Count), model, "image-to-text");
                    for (int q = 0; q < queries.Length; q++)
                        for (int c = 0; c < view.Count; c++)
                            if (view.Alive[c]) top[q].Offer(scores[q, c], view.Segment, c);
                }
                int at = 0;
                foreach (var j in whole)
                {
                    results[j] = Results(top.Skip(at).Take(queryImages[j].Count), jobs[j].K);
                    at += queryImages[j].Count;
                }
            }
            foreach (var j in group.Where(j => jobs[j].CandidateIds is not null))
            {
                var job = jobs[j];
                var candidates = Locate(job.CandidateIds!, snapshot.Captions);
                var captions = EmbeddingPacking.Captions([.. candidates.Select(c => c.Segment.Read(c.Slot))], index.Codec);
                var scores = Score(EmbeddingPacking.Images(queryImages[j], index.Codec), captions, model, "image-to-text");
                var top = queryImages[j].Select(_ => new TopHits(job.K)).ToArray();
                for (int q = 0; q < top.Length; q++)
                    for (int c = 0; c < candidates.Count; c++) top[q].Offer(scores[q, c], candidates[c].Segment, candidates[c].Slot);
                results[j] = Results(top, job.K);
            }
        }
        return results;
    }

    /// <summary>Query images per job: gallery images are read from the snapshot, raw features are encoded (all at once).</summary>
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
            foreach (var image in EmbeddingPacking.Split(runtime.EncodeImages(features, raw.Length))) encodedRaw.Enqueue(image);
        }
        return [.. jobs.Select(job => job.Queries.Select(q => q.Features is not null
            ? encodedRaw.Dequeue()
            : snapshot.Images.TryGetValue(q.GalleryId!, out var location)
                ? location.Segment.Read(location.Slot)
                : throw new GalleryItemGoneException("image", q.GalleryId!)).ToList())];
    }

    /// <summary>
    /// Scores images × captions, one runtime call per caption length. Captions of one length need no padding, so a
    /// pair's score does not depend on which other captions share its batch: padded lengths change the order of
    /// floating-point sums, and a batched answer would then differ from the same search alone in the last bits.
    /// </summary>
    ScoreMatrix Score(ImageEmbeddings images, CaptionEmbeddings captions, SearchModel model, string direction)
    {
        var watch = Stopwatch.StartNew();
        var values = new double[(long)images.Count * captions.Count];
        foreach (var group in Enumerable.Range(0, captions.Count).GroupBy(j => captions.Lengths[j]))
        {
            var members = group.ToArray();
            var subset = members.Length == captions.Count ? captions : Subset(captions, members);
            var scores = model switch
            {
                SearchModel.Sgr => runtime.Score(images, subset, SimilarityModule.SGR),
                SearchModel.Saf => runtime.Score(images, subset, SimilarityModule.SAF),
                _ => runtime.Score(images, subset),
            };
            for (int i = 0; i < images.Count; i++)
                for (int k = 0; k < members.Length; k++) values[(long)i * captions.Count + members[k]] = scores[i, k];
        }
        bool textQueries = direction == "text-to-image";
        metrics.ScoringCompleted(direction, model.Name(), textQueries ? captions.Count : images.Count, textQueries ? images.Count : captions.Count, watch.Elapsed);
        return new ScoreMatrix(images.Count, captions.Count, values);
    }

    static CaptionEmbeddings Subset(CaptionEmbeddings captions, int[] members) =>
        new([.. members.Select(j => captions.Lengths[j])], captions.Encodings.ToDictionary(e => e.Key, e =>
        {
            int d = e.Value.EmbedSize;
            var globals = new float[(long)members.Length * d];
            for (int k = 0; k < members.Length; k++) e.Value.Globals.AsSpan(members[k] * d, d).CopyTo(globals.AsSpan(k * d));
            return new CaptionEncoding([.. members.Select(j => e.Value.Words[j])], globals, d);
        }));

    /// <summary>Candidate ids still in the snapshot (one deleted since the request was checked is skipped), each once.</summary>
    static List<ItemLocation<TSegment>> Locate<TSegment>(IReadOnlyList<string> ids,
        System.Collections.Immutable.ImmutableSortedDictionary<string, ItemLocation<TSegment>> items) where TSegment : GallerySegment =>
        [.. ids.Distinct(StringComparer.Ordinal).Where(items.ContainsKey).Select(id => items[id])];

    static List<QueryResult> Results(IEnumerable<TopHits> perQuery, int k) =>
        [.. perQuery.Select((top, q) => new QueryResult(q, [.. top.Best(k).Select(Hit)]))];

    static SearchHit Hit(TopHits.Candidate c) =>
        new(c.Id, c.Score, c.Segment.Text(c.Slot), c.Segment.Metadata(c.Slot));
}
