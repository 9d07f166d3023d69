using System.Diagnostics;
using System.Runtime.CompilerServices;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;

namespace Sgraf.Api.Search;

/// <summary>
/// How many items a search covers and how long the gallery's captions are: what mode auto decides by, and what a
/// search's <see cref="SearchCost"/> is estimated from. Thread-safe.
/// </summary>
public sealed class SearchedItems(IGalleryCatalog catalog, GalleryIndex index)
{
    /// <summary>
    /// Tokens assumed per gallery caption where this process holds none (a sharded service's front: its shards hold
    /// them): a caption of a dozen words with &lt;start&gt; and &lt;end&gt;, as the demo's and COCO's are.
    /// </summary>
    public const double AssumedCaptionTokens = 14;

    // How old a gallery count for a cost estimate may be: a sharded gallery counts by asking every shard, which each
    // search should not pay for, and an estimate does not need the last second's adds.
    static readonly TimeSpan CountsFor = TimeSpan.FromSeconds(1);

    readonly Counted?[] recent = new Counted?[2];
    readonly ConditionalWeakTable<GallerySnapshot, StrongBox<double>> captionTokens = new();

    sealed record Counted(int Count, long At);

    /// <summary>The distinct candidate ids, else the gallery's items of <paramref name="kind"/>, counted now.</summary>
    public async Task<int> CountAsync(IReadOnlyList<string>? candidateIds, GalleryItemKind kind, CancellationToken cancellationToken) =>
        candidateIds is not null ? candidateIds.Distinct(StringComparer.Ordinal).Count() : await catalog.CountAsync(kind, cancellationToken);

    /// <summary>The same, for an estimate: the gallery's count may be up to a second old.</summary>
    public async Task<int> RecentCountAsync(IReadOnlyList<string>? candidateIds, GalleryItemKind kind, CancellationToken cancellationToken)
    {
        if (candidateIds is not null) return await CountAsync(candidateIds, kind, cancellationToken);
        if (Volatile.Read(ref recent[(int)kind]) is { } counted && Stopwatch.GetElapsedTime(counted.At) < CountsFor) return counted.Count;
        int count = await catalog.CountAsync(kind, cancellationToken);
        Volatile.Write(ref recent[(int)kind], new Counted(count, Stopwatch.GetTimestamp()));
        return count;
    }

    /// <summary>
    /// The mean tokens of the gallery's live captions, computed once per snapshot; <see cref="AssumedCaptionTokens"/>
    /// when this process holds no captions.
    /// </summary>
    public double CaptionTokens()
    {
        var snapshot = index.Current;
        return snapshot.Captions.Count == 0 ? AssumedCaptionTokens : captionTokens.GetValue(snapshot, MeanTokens).Value;
    }

    static StrongBox<double> MeanTokens(GallerySnapshot snapshot)
    {
        long tokens = 0, captions = 0;
        foreach (var view in snapshot.CaptionSegments)
        {
            var lengths = view.Segment.Embeddings(view.Count).Lengths;
            for (int slot = 0; slot < view.Count; slot++)
                if (view.Alive[slot])
                {
                    tokens += lengths[slot];
                    captions++;
                }
        }
        return new(captions == 0 ? AssumedCaptionTokens : (double)tokens / captions);
    }
}
