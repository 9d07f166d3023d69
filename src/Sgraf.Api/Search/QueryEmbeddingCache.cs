using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Observability;
using Sgraf.Inference.Runtime;
using Sgraf.Inference.Text;

namespace Sgraf.Api.Search;

/// <summary>
/// Encodes text queries with the bundle's text encoder, remembering encodings in a size-limited IMemoryCache keyed by
/// the bundle hash and the normalised text (what the tokenizer sees), so a repeated query skips the encoder. With a
/// shortlist head, an encoding holds the query's shortlist vector too.
/// </summary>
public sealed class QueryEmbeddingCache : IDisposable
{
    readonly SgrafRuntime runtime;
    readonly MemoryCache? cache;

    readonly QueryCacheMetrics metrics;

    public QueryEmbeddingCache(SgrafRuntime runtime, IOptions<SgrafServiceOptions> options, QueryCacheMetrics metrics)
    {
        this.runtime = runtime;
        this.metrics = metrics;
        long limit = options.Value.QueryCache.SizeLimitFloats;
        // The service's own cache: entries are sized in floats, which a shared IMemoryCache would not expect.
        cache = limit > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = limit }) : null;
    }

    long hits, misses;

    public long Hits => Interlocked.Read(ref hits);

    public long Misses => Interlocked.Read(ref misses);

    /// <summary>Encodings of <paramref name="texts"/>, keyed by the texts as given.</summary>
    public IReadOnlyDictionary<string, EncodedCaption> Encode(IEnumerable<string> texts)
    {
        var result = new Dictionary<string, EncodedCaption>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            if (cache is not null && cache.TryGetValue(Key(text), out EncodedCaption? cached)) result[text] = cached!;
            else missing.Add(text);
        }
        Interlocked.Add(ref hits, result.Count);
        Interlocked.Add(ref misses, missing.Count);
        metrics.Hits(result.Count);
        metrics.Misses(missing.Count);
        if (missing.Count == 0) return result;

        var encoded = EmbeddingPacking.Split(runtime.EncodeCaptions(missing));
        if (runtime.Shortlist is { } head) encoded = ShortlistVectors.Attach(head, encoded);
        for (int i = 0; i < missing.Count; i++)
        {
            result[missing[i]] = encoded[i];
            cache?.Set(Key(missing[i]), encoded[i], new MemoryCacheEntryOptions { Size = encoded[i].FloatCount });
        }
        return result;
    }

    (string Bundle, string Text) Key(string text) => (runtime.Bundle.Hash, CaptionTokenizer.Normalize(text));

    public void Dispose() => cache?.Dispose();
}
