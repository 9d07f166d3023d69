using Sgraf.Api.Gallery.Local;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// Captions stored as the runtime scores them: per model, each caption's word embeddings and a (capacity × D) global
/// array; and, with a shortlist head, the captions' shortlist vectors. A sealed caption segment is written to a file so
/// that start-up reads it instead of replaying the log, but it stays in memory (captions are a few KB each).
/// </summary>
public sealed class CaptionSegment : GallerySegment
{
    public const int DefaultCapacity = 4096;
    public const string Kind = "captions";

    readonly int[] lengths;
    readonly Dictionary<SimilarityModule, CaptionEncoding> encodings;

    public CaptionSegment(EmbeddingCodec codec, int shortlistDim, int capacity = DefaultCapacity) : base(capacity, shortlistDim)
    {
        lengths = new int[capacity];
        encodings = codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m);
            return new CaptionEncoding(new float[capacity][], new float[(long)capacity * d], d);
        });
    }

    CaptionSegment(SegmentHeader header, string fileName, ReadOnlySpan<float> shortlistVectors, IReadOnlyCollection<int> dead,
        int[] lengths, Dictionary<SimilarityModule, CaptionEncoding> encodings) : base(header, fileName, shortlistVectors, dead)
    {
        this.lengths = lengths;
        this.encodings = encodings;
    }

    /// <summary>The first <paramref name="count"/> slots as runtime input (dead slots included; the caller skips them).</summary>
    public CaptionEmbeddings Embeddings(int count) => new(lengths[..count], encodings);

    /// <summary>One caption's encodings: word embeddings shared (never written again), global vectors copied.</summary>
    public EncodedCaption Read(int slot) => new(lengths[slot], encodings.ToDictionary(e => e.Key, e =>
        (e.Value.Words[slot], e.Value.Globals.AsSpan(slot * e.Value.EmbedSize, e.Value.EmbedSize).ToArray())))
    {
        ShortlistVector = CopyShortlistVector(slot),
    };

    public int Add(string id, ItemDescription description, EncodedCaption caption)
    {
        foreach (var (module, encoding) in encodings)
        {
            var (words, global) = caption.Encodings[module];
            encoding.Words[Count] = words;
            global.CopyTo(encoding.Globals.AsSpan(Count * encoding.EmbedSize));
        }
        lengths[Count] = caption.Length;
        return Append(id, description, caption.ShortlistVector);
    }

    /// <summary>Writer: writes the written slots to <paramref name="path"/> (fsync'ed); the segment takes no more.</summary>
    internal void Seal(string path, string embeddingsHash, string headHash)
    {
        // Captions stay float32 whatever the storage precision: they are held in memory anyway, and are few bytes.
        var blocks = new List<(string, ReadOnlyMemory<float>, bool)>();
        foreach (var (module, encoding) in encodings)
        {
            blocks.Add(($"{module}.words", Concatenated(encoding.Words.AsSpan(0, Count)), false));
            blocks.Add(($"{module}.globals", encoding.Globals.AsMemory(0, Count * encoding.EmbedSize), false));
        }
        blocks.Add(("shortlist", ShortlistBlock(), false));
        SegmentFile.Write(path, Header(Kind, embeddingsHash, headHash, lengths[..Count]), blocks);
        Sealed(Path.GetFileName(path));
    }

    /// <summary>Reads a sealed segment's file into memory; shortlist vectors as for images.</summary>
    /// <exception cref="InvalidDataException">The file is damaged or does not fit this bundle; the message names it.</exception>
    internal static CaptionSegment Open(string path, EmbeddingCodec codec, string embeddingsHash, ShortlistEncoder? head, string headHash, IReadOnlyCollection<int> dead)
    {
        var opened = SegmentFile.Open(path);
        using var file = opened.File;
        var header = CheckedHeader(opened, Kind, embeddingsHash, path);
        if (header.Lengths?.Count != header.Count)
            throw new InvalidDataException($"segment file {path} lists {header.Lengths?.Count ?? 0} caption lengths for its {header.Count} captions");
        int[] lengths = [.. header.Lengths];
        long words = lengths.Sum(l => (long)l);
        var encodings = codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m);
            var (flat, globals) = (opened.Block($"{m}.words", path), opened.Block($"{m}.globals", path));
            if (flat.Length != words * d || globals.Length != header.Count * d)
                throw new InvalidDataException($"segment file {path} has {m} blocks of {flat.Length} and {globals.Length} floats; its {header.Count} captions of D = {d} take {words * d} and {header.Count * d}");
            var perCaption = new float[header.Count][];
            for (int slot = 0, at = 0; slot < header.Count; at += lengths[slot] * d, slot++)
                perCaption[slot] = flat.Span.Slice(at, lengths[slot] * d).ToArray();
            return new CaptionEncoding(perCaption, globals.ToArray(), d);
        });
        var vectors = ShortlistVectorsOf(opened, path, head, headHash, h => h.EncodeCaptions(new CaptionEmbeddings(lengths, encodings)));
        return new CaptionSegment(header with { ShortlistDim = head?.Dim ?? 0 }, Path.GetFileName(path), vectors, dead, lengths, encodings);
    }

    // The captions' word embeddings one after another, as the file stores them.
    static float[] Concatenated(ReadOnlySpan<float[]> words)
    {
        long total = 0;
        foreach (var w in words) total += w.Length;
        var all = new float[total];
        long at = 0;
        foreach (var w in words)
        {
            w.CopyTo(all, at);
            at += w.Length;
        }
        return all;
    }
}
