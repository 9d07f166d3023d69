using Sgraf.Api.Gallery.Local;
using Sgraf.Inference.Model;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// Images stored as the runtime scores them: per model, one (capacity × 36 × D) region array and one (capacity × D)
/// global array, so a view scores in place with no copy; and, with a shortlist head, the images' shortlist vectors.
/// Once sealed, the embeddings are read from the memory-mapped file instead of the arrays, which the GC then frees.
/// Pictures (of images added as pictures) are kept off the heap: in a scratch file in <c>scratchDirectory</c> until
/// sealed, then in the segment file (<see cref="SegmentPictures"/>).
/// </summary>
public sealed class ImageSegment : GallerySegment
{
    public const int DefaultCapacity = 1024;
    public const string Kind = "images";

    /// <summary>The segment file's block of pictures.</summary>
    const string PicturesBlock = "pictures";

    // Swapped once, from the arrays to the mapped file, when sealed; readers see one or the other, both whole.
    volatile Dictionary<SimilarityModule, ImageEncoding> encodings;
    // Swapped with the encodings, from the scratch file to the mapped file.
    volatile SegmentPictures pictures;

    public ImageSegment(EmbeddingCodec codec, int shortlistDim, string scratchDirectory, int capacity = DefaultCapacity) : base(capacity, shortlistDim)
    {
        encodings = codec.Modules.ToDictionary(m => m, m =>
        {
            int d = codec.EmbedSize(m);
            return new ImageEncoding(new float[(long)capacity * SgrafConfig.Regions * d], new float[(long)capacity * d], d);
        });
        pictures = new ScratchPictures(scratchDirectory, capacity);
    }

    ImageSegment(SegmentHeader header, string fileName, ReadOnlySpan<float> shortlistVectors, IReadOnlyCollection<int> dead,
        Dictionary<SimilarityModule, ImageEncoding> mapped, SegmentPictures mappedPictures) : base(header, fileName, shortlistVectors, dead)
    {
        encodings = mapped;
        pictures = mappedPictures;
    }

    /// <summary>The first <paramref name="count"/> slots as runtime input (dead slots included; the caller skips them).</summary>
    public ImageEmbeddings Embeddings(int count) => new(count, encodings);

    public int Add(string id, ItemDescription description, EncodedImage image)
    {
        foreach (var (module, encoding) in encodings)
        {
            var (regions, global) = image.Encodings[module];
            int d = encoding.EmbedSize;
            regions.CopyTo(Writable(encoding.Regions).AsSpan(Count * SgrafConfig.Regions * d));
            global.CopyTo(Writable(encoding.Globals).AsSpan(Count * d));
        }
        Scratch.Write(Count, image.Picture.Span);
        return Append(id, description, image.ShortlistVector);
    }

    /// <summary>
    /// Writer of a segment a seal fills: appends a copy of <paramref name="from"/>'s item at <paramref name="slot"/>,
    /// straight from its embeddings into this segment's arrays (no per-item arrays: at full size they are 300 KB each, and
    /// every one would land on the large-object heap).
    /// </summary>
    internal int AddCopy(ImageSegment from, int slot)
    {
        foreach (var (module, encoding) in encodings)
        {
            var source = from.encodings[module];
            int d = encoding.EmbedSize, regions = SgrafConfig.Regions * d;
            source.CopyRegions(slot, 1, Writable(encoding.Regions).AsSpan(Count * regions, regions));
            source.CopyGlobals(slot, 1, Writable(encoding.Globals).AsSpan(Count * d, d));
        }
        Scratch.Write(Count, from.Picture(slot).Span);
        return Append(from.Id(slot), from.Description(slot), from.CopyShortlistVector(slot));
    }

    /// <summary>The item's picture (the JPEG copy kept of an image added as a picture), from the page cache; empty when it has none.</summary>
    public ReadOnlyMemory<byte> Picture(int slot) => pictures.Read(slot);

    /// <summary>The item as its add record holds it: embeddings and picture.</summary>
    public EncodedImage ReadWithPicture(int slot) => Read(slot) with { Picture = Picture(slot) };

    // Only the writer writes, and only into a segment still in memory: its pictures are in the scratch file.
    ScratchPictures Scratch => pictures as ScratchPictures ?? throw new InvalidOperationException("a sealed segment takes no more items");

    /// <summary>Copies one image's encodings out, e.g. to query with it.</summary>
    public EncodedImage Read(int slot) => new(encodings.ToDictionary(e => e.Key, e =>
    {
        int d = e.Value.EmbedSize, regions = SgrafConfig.Regions * d;
        var (copiedRegions, copiedGlobal) = (new float[regions], new float[d]);
        e.Value.CopyRegions(slot, 1, copiedRegions);
        e.Value.CopyGlobals(slot, 1, copiedGlobal);
        return (copiedRegions, copiedGlobal);
    }))
    {
        ShortlistVector = CopyShortlistVector(slot),
    };

    /// <summary>
    /// Writer: writes the written slots to <paramref name="path"/> (fsync'ed), the region embeddings as float16 when
    /// <paramref name="half"/>, then reads them from the mapped file.
    /// </summary>
    internal void Seal(string path, string embeddingsHash, string headHash, bool half)
    {
        var blocks = new List<(string, ReadOnlyMemory<float>, bool)>();
        foreach (var (module, encoding) in encodings)
        {
            int d = encoding.EmbedSize;
            blocks.Add(($"{module}.regions", encoding.Regions[..(Count * SgrafConfig.Regions * d)], half));
            // Global vectors stay float32: 1/37 of the bytes, and rounding them moved more rankings (docs/benchmarks.md).
            blocks.Add(($"{module}.globals", encoding.Globals[..(Count * d)], false));
        }
        blocks.Add(("shortlist", ShortlistBlock(), false));
        // Read one at a time from the scratch file as they are written.
        var slots = Enumerable.Range(0, Count);
        SegmentFile.Write(path, Header(Kind, embeddingsHash, headHash, pictureBytes: slot => pictures.Length(slot) is > 0 and var n ? n : null), blocks,
            [(PicturesBlock, slots.Select(slot => pictures.Read(slot)))]);
        var opened = SegmentFile.Open(path);
        encodings = Mapped(opened, path, [.. encodings.Select(e => (e.Key, e.Value.EmbedSize))]);
        pictures = MappedPicturesOf(opened, path);
        Sealed(Path.GetFileName(path));
    }

    /// <summary>
    /// Opens a sealed segment's file. Its shortlist vectors are used when <paramref name="headHash"/> made them, else
    /// computed again with <paramref name="head"/> from the mapped embeddings.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged or does not fit this bundle; the message names it.</exception>
    internal static ImageSegment Open(string path, EmbeddingCodec codec, string embeddingsHash, ShortlistEncoder? head, string headHash, IReadOnlyCollection<int> dead)
    {
        var opened = SegmentFile.Open(path);
        var header = CheckedHeader(opened, Kind, embeddingsHash, path);
        var encodings = Mapped(opened, path, [.. codec.Modules.Select(m => (m, codec.EmbedSize(m)))]);
        var vectors = ShortlistVectorsOf(opened, path, head, headHash, h => h.EncodeImages(new ImageEmbeddings(header.Count, encodings)));
        return new ImageSegment(header with { ShortlistDim = head?.Dim ?? 0 }, Path.GetFileName(path), vectors, dead, encodings, MappedPicturesOf(opened, path));
    }

    /// <summary>The file's pictures; a file written before pictures has no block and no item with one.</summary>
    static MappedPictures MappedPicturesOf((SegmentHeader Header, MappedFile File) opened, string path) =>
        new(opened.ByteBlock(PicturesBlock, path) ?? ReadOnlyMemory<byte>.Empty, [.. opened.Header.Items.Select(i => i.PictureBytes)], path);

    static Dictionary<SimilarityModule, ImageEncoding> Mapped((SegmentHeader Header, MappedFile File) opened, string path,
        IReadOnlyList<(SimilarityModule Module, int Dim)> modules) =>
        modules.ToDictionary(m => m.Module, m =>
        {
            string regionsName = $"{m.Module}.regions", globalsName = $"{m.Module}.globals";
            bool half = opened.BlockType(regionsName, path) == SegmentFile.Float16;
            var encoding = half
                ? ImageEncoding.WithHalfRegions(opened.HalfBlock(regionsName, path), opened.Block(globalsName, path), m.Dim)
                : new ImageEncoding(opened.Block(regionsName, path), opened.Block(globalsName, path), m.Dim);
            int count = opened.Header.Count;
            int regions = half ? encoding.HalfRegions.Length : encoding.Regions.Length, globals = encoding.Globals.Length;
            if (regions != count * SgrafConfig.Regions * m.Dim || globals != count * m.Dim)
                throw new InvalidDataException($"segment file {path} has {m.Module} blocks of {regions} and {globals} values; {count} images of D = {m.Dim} take {count * SgrafConfig.Regions * m.Dim} and {count * m.Dim}");
            return encoding;
        });

    // Only the writer writes, and only into a segment still in memory: its encodings are arrays.
    static float[] Writable(ReadOnlyMemory<float> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var array) && array.Offset == 0 ? array.Array!
            : throw new InvalidOperationException("a sealed segment takes no more items");
}
