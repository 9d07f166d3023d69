using Sgraf.Inference.Model;

namespace Sgraf.Inference.Runtime;

/// <summary>
/// One model's encoding of a set of images: region embeddings (N, 36, D) and global vectors v_glo (N, D), row-major.
/// Read-only memory, so that it can be arrays or a memory-mapped file that the scorer reads in place. With region
/// embeddings stored at half precision instead (<see cref="WithHalfRegions"/>: a gallery kept as float16), they are
/// widened to float32 as they are copied out, and <see cref="Regions"/> is empty: read them through
/// <see cref="CopyRegions"/>. Global vectors stay float32 (measured: rounding them too changed 1% more top-10 lists
/// for 2.6% of the bytes).
/// </summary>
public sealed record ImageEncoding(ReadOnlyMemory<float> Regions, ReadOnlyMemory<float> Globals, int EmbedSize)
{
    public ReadOnlyMemory<Half> HalfRegions { get; private init; }

    /// <summary>Whether the region embeddings are stored at half precision.</summary>
    public bool IsHalf => !HalfRegions.IsEmpty;

    public static ImageEncoding WithHalfRegions(ReadOnlyMemory<Half> regions, ReadOnlyMemory<float> globals, int embedSize) =>
        new(ReadOnlyMemory<float>.Empty, globals, embedSize) { HalfRegions = regions };

    /// <summary>Region embeddings of images <paramref name="first"/> … + <paramref name="count"/> − 1 as float32 into <paramref name="target"/>.</summary>
    public void CopyRegions(int first, int count, Span<float> target)
    {
        int start = first * SgrafConfig.Regions * EmbedSize, length = count * SgrafConfig.Regions * EmbedSize;
        if (IsHalf) System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(HalfRegions.Span.Slice(start, length), target[..length]);
        else Regions.Span.Slice(start, length).CopyTo(target);
    }

    /// <summary>Global vectors of images <paramref name="first"/> … + <paramref name="count"/> − 1 into <paramref name="target"/>.</summary>
    public void CopyGlobals(int first, int count, Span<float> target) => Globals.Span.Slice(first * EmbedSize, count * EmbedSize).CopyTo(target);
}

/// <summary>
/// Encoded images, one <see cref="ImageEncoding"/> per model of the bundle. Produced by <see cref="SgrafRuntime.EncodeImages"/>;
/// immutable by convention (the arrays are shared, not copied).
/// </summary>
public sealed class ImageEmbeddings(int count, IReadOnlyDictionary<SimilarityModule, ImageEncoding> encodings)
{
    public int Count { get; } = count;
    public IReadOnlyDictionary<SimilarityModule, ImageEncoding> Encodings { get; } = encodings;

    /// <summary>The images at <paramref name="items"/> (each a source and an index in it), copied in that order into one set.</summary>
    public static ImageEmbeddings Gather(IReadOnlyList<(ImageEmbeddings Source, int Index)> items)
    {
        ArgumentOutOfRangeException.ThrowIfZero(items.Count);
        return new(items.Count, items[0].Source.Encodings.ToDictionary(e => e.Key, e =>
        {
            int d = e.Value.EmbedSize, perImage = SgrafConfig.Regions * d;
            var (regions, globals) = (new float[(long)items.Count * perImage], new float[(long)items.Count * d]);
            for (int k = 0; k < items.Count; k++)
            {
                var (source, i) = items[k];
                var encoding = source.Encodings[e.Key];
                encoding.CopyRegions(i, 1, regions.AsSpan(k * perImage));
                encoding.CopyGlobals(i, 1, globals.AsSpan(k * d));
            }
            return new ImageEncoding(regions, globals, d);
        }));
    }

    /// <summary>The images at <paramref name="indices"/>, copied in that order.</summary>
    public ImageEmbeddings Select(IReadOnlyList<int> indices) => Gather([.. indices.Select(i => (this, i))]);
}

/// <summary>One model's encoding of a set of captions: each caption's word embeddings (length × D) and global vectors t_glo (C, D).</summary>
public sealed record CaptionEncoding(float[][] Words, float[] Globals, int EmbedSize);

/// <summary>Encoded captions with their token counts (&lt;start&gt; and &lt;end&gt; included), one <see cref="CaptionEncoding"/> per model.</summary>
public sealed class CaptionEmbeddings(int[] lengths, IReadOnlyDictionary<SimilarityModule, CaptionEncoding> encodings)
{
    public int Count => Lengths.Count;
    public IReadOnlyList<int> Lengths { get; } = lengths;
    public IReadOnlyDictionary<SimilarityModule, CaptionEncoding> Encodings { get; } = encodings;

    /// <summary>The captions at <paramref name="items"/> (each a source and an index in it), in that order; word arrays are shared, not copied.</summary>
    public static CaptionEmbeddings Gather(IReadOnlyList<(CaptionEmbeddings Source, int Index)> items)
    {
        ArgumentOutOfRangeException.ThrowIfZero(items.Count);
        return new([.. items.Select(x => x.Source.Lengths[x.Index])], items[0].Source.Encodings.ToDictionary(e => e.Key, e =>
        {
            int d = e.Value.EmbedSize;
            var globals = new float[(long)items.Count * d];
            var words = new float[items.Count][];
            for (int k = 0; k < items.Count; k++)
            {
                var (source, j) = items[k];
                var encoding = source.Encodings[e.Key];
                words[k] = encoding.Words[j];
                encoding.Globals.AsSpan(j * d, d).CopyTo(globals.AsSpan(k * d));
            }
            return new CaptionEncoding(words, globals, d);
        }));
    }

    /// <summary>The captions at <paramref name="indices"/>, in that order.</summary>
    public CaptionEmbeddings Select(IReadOnlyList<int> indices) => Gather([.. indices.Select(j => (this, j))]);

    /// <summary>
    /// Each encoding once: captions that share their word arrays (copies of one text, encoded once by
    /// <see cref="SgrafRuntime.EncodeTokenIds"/>) collapse to their first, and <c>Of[j]</c> is caption j's index among them.
    /// </summary>
    public (CaptionEmbeddings Distinct, int[] Of) Deduplicate()
    {
        if (Count == 0) return (this, []);
        var words = Encodings.Values.First().Words;
        var first = new Dictionary<float[], int>(ReferenceEqualityComparer.Instance);
        var of = new int[Count];
        var kept = new List<int>();
        for (int j = 0; j < Count; j++)
        {
            if (!first.TryGetValue(words[j], out var index))
            {
                first[words[j]] = index = kept.Count;
                kept.Add(j);
            }
            of[j] = index;
        }
        return (kept.Count == Count ? this : Select(kept), of);
    }
}
