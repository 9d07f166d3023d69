using System.Text.Json.Nodes;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Search;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Cluster;

/// <summary>
/// Searches fanned out to the shards and merged, so that the answer equals one node's on the same gallery.
/// Exact mode: each shard returns its best k by the model's exact score; the best k of those, by (score, id), are the
/// gallery's. Shortlist mode runs in two rounds, because each shard shortlisting its own best N would rerank more
/// items than one node does and could answer differently: first every shard returns its best N by the head's dot
/// product, the front keeps the gallery's best N by (dot, id), exactly the single node's shortlist; then each shard
/// scores its part of that shortlist exactly and returns its best k.
/// </summary>
public sealed class ShardedSearch(ShardCalls shards, QueryEmbeddingCache queryCache, IGalleryCatalog catalog, SgrafRuntime runtime, EmbeddingCodec codec)
    : ISearchService
{
    public async Task<SearchOutcome> TextToImageAsync(TextSearchJob job, bool allowPartial, CancellationToken cancellationToken)
    {
        var candidates = Candidates(job.CandidateIds);
        string model = job.Model.Name();
        if (job.Shortlist is not { } size)
        {
            var (answers, missing) = await shards.AskAsync(candidates?.Keys ?? shards.Map.All,
                (shard, n) => shard.TextToImageAsync([.. job.Queries.Select(t => new ShardTextQuery(t, candidates?[n]))], job.K, model),
                allowPartial, "search", cancellationToken);
            return new SearchOutcome(Merge(job.Queries.Count, job.K, answers.Values, reranked: null), allowPartial ? missing : null);
        }
        var encoded = queryCache.Encode(job.Queries);
        float[][] vectors = [.. job.Queries.Select(t => encoded[t].ShortlistVector ?? throw new InvalidOperationException("a shortlist search needs the bundle's shortlist head"))];
        return await TwoRoundsAsync(GalleryItemKind.Image, vectors, size, candidates, allowPartial, cancellationToken,
            (shard, queries) => shard.TextToImageAsync([.. queries.Select(q => new ShardTextQuery(job.Queries[q.Query], q.Ids))], job.K, model), job.K);
    }

    public async Task<SearchOutcome> ImageToTextAsync(ImageSearchJob job, bool allowPartial, CancellationToken cancellationToken)
    {
        var images = await QueryImagesAsync(job, cancellationToken);
        byte[][] payloads = [.. images.Select(codec.EncodeImage)];
        var candidates = Candidates(job.CandidateIds);
        string model = job.Model.Name();
        if (job.Shortlist is not { } size)
        {
            var (answers, missing) = await shards.AskAsync(candidates?.Keys ?? shards.Map.All,
                (shard, n) => shard.ImageToTextAsync([.. payloads.Select(p => new ShardImageQuery(p, candidates?[n]))], job.K, model),
                allowPartial, "search", cancellationToken);
            return new SearchOutcome(Merge(payloads.Length, job.K, answers.Values, reranked: null), allowPartial ? missing : null);
        }
        float[][] vectors = [.. images.Select(i => i.ShortlistVector ?? throw new InvalidOperationException("a shortlist search needs the bundle's shortlist head"))];
        return await TwoRoundsAsync(GalleryItemKind.Caption, vectors, size, candidates, allowPartial, cancellationToken,
            (shard, queries) => shard.ImageToTextAsync([.. queries.Select(q => new ShardImageQuery(payloads[q.Query], q.Ids))], job.K, model), job.K);
    }

    async Task<SearchOutcome> TwoRoundsAsync(GalleryItemKind kind, float[][] vectors, int size, Dictionary<int, string[]>? candidates, bool allowPartial,
        CancellationToken cancellationToken, Func<IGalleryShard, List<(int Query, string[] Ids)>, Task<ShardReply<ShardQueryResult[]>>> rerank, int k)
    {
        var (firsts, missingFirst) = await shards.AskAsync(candidates?.Keys ?? shards.Map.All,
            (shard, n) => shard.FirstStageAsync(kind, vectors, size, candidates?[n]), allowPartial, "search", cancellationToken);
        // The gallery's shortlist per query: the best `size` by (dot product, id), as one node's first stage picks it.
        var shortlisted = vectors.Select((_, q) => firsts.Values.SelectMany(f => f[q])
            .OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal).Take(size).Select(h => h.Id).ToArray()).ToArray();
        var perShard = new Dictionary<int, List<(int Query, string[] Ids)>>();
        for (int q = 0; q < shortlisted.Length; q++)
            foreach (var (shard, ids) in shards.Map.Split(shortlisted[q], id => id))
            {
                if (!perShard.TryGetValue(shard, out var list)) perShard[shard] = list = [];
                list.Add((q, [.. ids]));
            }
        var (scored, missingSecond) = await shards.AskAsync(perShard.Keys, (shard, n) => rerank(shard, perShard[n]), allowPartial, "search", cancellationToken);
        var byQuery = vectors.Select(_ => new List<ShardQueryResult>()).ToArray();
        foreach (var (shard, results) in scored)
            for (int i = 0; i < results.Length; i++) byQuery[perShard[shard][i].Query].Add(results[i]);
        var merged = byQuery.Select((parts, q) => Best(q, k, parts, shortlisted[q].Length)).ToList();
        return new SearchOutcome(merged, allowPartial ? [.. missingFirst.Union(missingSecond).Order()] : null);
    }

    /// <summary>Each query's images: gallery images as their shard stores them, raw features encoded here, with head vectors for a shortlist.</summary>
    async Task<IReadOnlyList<EncodedImage>> QueryImagesAsync(ImageSearchJob job, CancellationToken cancellationToken)
    {
        var images = new EncodedImage[job.Queries.Count];
        for (int q = 0; q < images.Length; q++)
        {
            var query = job.Queries[q];
            if (query.Encoded is not null) images[q] = query.Encoded;
            else if (query.GalleryId is { } id)
                images[q] = (await catalog.ReadImageAsync(id, cancellationToken))?.Image ?? throw new GalleryItemGoneException("image", id);
        }
        int[] raw = [.. Enumerable.Range(0, images.Length).Where(q => images[q] is null)];
        if (raw.Length > 0)
        {
            var features = raw.SelectMany(q => job.Queries[q].Features!).ToArray();
            var encoded = EmbeddingPacking.Split(runtime.EncodeImages(features, raw.Length));
            if (job.Shortlist is not null && runtime.Shortlist is { } head) encoded = ShortlistVectors.Attach(head, encoded);
            for (int i = 0; i < raw.Length; i++) images[raw[i]] = encoded[i];
        }
        return images;
    }

    Dictionary<int, string[]>? Candidates(IReadOnlyList<string>? ids) =>
        ids is null ? null : shards.Map.Split(ids.Distinct(StringComparer.Ordinal), id => id).ToDictionary(p => p.Key, p => p.Value.ToArray());

    /// <summary>Per query, the best k of every shard's best k; reranked adds up the shards' (exact mode) unless given.</summary>
    static List<QueryResult> Merge(int queries, int k, IEnumerable<ShardQueryResult[]> answers, int? reranked)
    {
        var all = answers.ToList();
        return [.. Enumerable.Range(0, queries).Select(q => Best(q, k, [.. all.Select(a => a[q])], reranked ?? all.Sum(a => a[q].Reranked)))];
    }

    static QueryResult Best(int query, int k, List<ShardQueryResult> parts, int reranked) =>
        new(query, reranked, [.. parts.SelectMany(p => p.Hits)
            .OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal).Take(k)
            .Select(h => new SearchHit(h.Id, h.Score, h.Text, h.MetadataJson is { } json ? JsonNode.Parse(json)!.AsObject() : null))]);
}
