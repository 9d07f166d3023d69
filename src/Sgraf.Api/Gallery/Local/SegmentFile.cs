using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// A sealed gallery segment on disk: immutable once written and fsync'ed, memory-mapped when opened. Layout: a 24-byte
/// prefix (magic "SGRFSEG1", the header's offset and length, CRC-32 of the header), then named float32 (or float16)
/// blocks, each 64-byte aligned and little-endian (per model: regions or words, then globals; the shortlist vectors),
/// then named byte blocks (images: their pictures' JPEG files one after another), then the JSON header
/// (<see cref="SegmentHeader"/>: items, lengths, where each block lies).
/// </summary>
/// <remarks>
/// The float blocks carry no checksum on purpose: checking 300 KB per full-size image at every start would make
/// start-up grow with the gallery again. A file is referenced by a checkpoint only after it was written whole and
/// fsync'ed, so a crash cannot leave a referenced file half-written; the header, which start-up reads, is checked.
/// </remarks>
public static class SegmentFile
{
    static readonly byte[] Magic = "SGRFSEG1"u8.ToArray();
    const int PrefixSize = 24, Alignment = 64;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public const string Float32 = "float32", Float16 = "float16", Bytes = "uint8";

    /// <summary>
    /// Writes the segment to <paramref name="path"/> and fsyncs it (the caller fsyncs the directory). A block given
    /// with <c>AsHalf</c> is stored as float16 (rounded to nearest). Each of <paramref name="byteBlocks"/> is its parts
    /// written one after another, read one at a time.
    /// </summary>
    public static void Write(string path, SegmentHeader header, IReadOnlyList<(string Name, ReadOnlyMemory<float> Values, bool AsHalf)> blocks,
        IReadOnlyList<(string Name, IEnumerable<ReadOnlyMemory<byte>> Parts)>? byteBlocks = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("segment files are little-endian; this machine is not");
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write(new byte[PrefixSize]);
        var placed = new List<SegmentBlock>(blocks.Count);
        var halves = new Half[1 << 16];
        foreach (var (name, values, asHalf) in blocks)
        {
            Pad(file);
            placed.Add(new SegmentBlock(name, file.Position, values.Length, asHalf ? Float16 : Float32));
            if (!asHalf)
            {
                file.Write(MemoryMarshal.AsBytes(values.Span));
                continue;
            }
            for (int at = 0; at < values.Length; at += halves.Length)
            {
                int n = Math.Min(halves.Length, values.Length - at);
                System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(values.Span.Slice(at, n), halves);
                file.Write(MemoryMarshal.AsBytes(halves.AsSpan(0, n)));
            }
        }
        foreach (var (name, parts) in byteBlocks ?? [])
        {
            Pad(file);
            long start = file.Position;
            foreach (var part in parts) file.Write(part.Span);
            placed.Add(new SegmentBlock(name, start, file.Position - start, Bytes));
        }
        long headerOffset = file.Position;
        var json = JsonSerializer.SerializeToUtf8Bytes(header with { Blocks = placed }, Json);
        file.Write(json);
        var prefix = new byte[PrefixSize];
        Magic.CopyTo(prefix, 0);
        BinaryPrimitives.WriteInt64LittleEndian(prefix.AsSpan(8), headerOffset);
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(16), json.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(20), Crc32.HashToUInt32(json));
        file.Seek(0, SeekOrigin.Begin);
        file.Write(prefix);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Maps the segment file at <paramref name="path"/> and reads its header.</summary>
    /// <exception cref="InvalidDataException">The file is not a whole segment file; the message names it and says why.</exception>
    public static (SegmentHeader Header, MappedFile File) Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            if (file.Length < PrefixSize) throw Bad(path, $"it has {file.Length} bytes, fewer than the {PrefixSize}-byte prefix");
            var prefix = file.Bytes(0, PrefixSize);
            if (!prefix.AsSpan(0, 8).SequenceEqual(Magic)) throw Bad(path, "it does not start with SGRFSEG1");
            long headerOffset = BinaryPrimitives.ReadInt64LittleEndian(prefix.AsSpan(8));
            int headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix.AsSpan(16));
            if (headerOffset < PrefixSize || headerLength < 2 || headerOffset + headerLength > file.Length)
                throw Bad(path, $"its header ({headerLength} bytes at {headerOffset}) lies outside the {file.Length}-byte file");
            var json = file.Bytes(headerOffset, headerLength);
            if (Crc32.HashToUInt32(json) != BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(20)))
                throw Bad(path, "its header fails its CRC-32");
            var header = JsonSerializer.Deserialize<SegmentHeader>(json, Json) ?? throw Bad(path, "its header is null");
            foreach (var block in header.Blocks ?? [])
            {
                int size = block.Type switch
                {
                    Float32 => 4, Float16 => 2, Bytes => 1,
                    _ => throw Bad(path, $"block {block.Name} has type '{block.Type}', not {Float32}, {Float16} or {Bytes}"),
                };
                if (block.Offset < PrefixSize || block.Offset + block.Count * (long)size > headerOffset)
                    throw Bad(path, $"block {block.Name} lies outside the data area");
            }
            return (header, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The float32 block called <paramref name="name"/> of an opened segment, read in place.</summary>
    public static ReadOnlyMemory<float> Block(this (SegmentHeader Header, MappedFile File) segment, string name, string path) =>
        segment.Values<float>(name, Float32, path);

    /// <summary>The float16 block called <paramref name="name"/> of an opened segment, read in place.</summary>
    public static ReadOnlyMemory<Half> HalfBlock(this (SegmentHeader Header, MappedFile File) segment, string name, string path) =>
        segment.Values<Half>(name, Float16, path);

    /// <summary>The byte block called <paramref name="name"/> of an opened segment, read in place; null when the file has none.</summary>
    public static ReadOnlyMemory<byte>? ByteBlock(this (SegmentHeader Header, MappedFile File) segment, string name, string path) =>
        segment.Header.Blocks?.Any(b => b.Name == name) == true ? segment.Values<byte>(name, Bytes, path) : null;

    /// <summary>The type a block is stored in (<see cref="Float32"/> or <see cref="Float16"/>).</summary>
    public static string BlockType(this (SegmentHeader Header, MappedFile File) segment, string name, string path) =>
        (segment.Header.Blocks?.FirstOrDefault(b => b.Name == name) ?? throw Bad(path, $"it has no block {name}")).Type;

    static ReadOnlyMemory<T> Values<T>(this (SegmentHeader Header, MappedFile File) segment, string name, string type, string path) where T : unmanaged
    {
        var block = segment.Header.Blocks?.FirstOrDefault(b => b.Name == name) ?? throw Bad(path, $"it has no block {name}");
        if (block.Type != type) throw Bad(path, $"block {name} is {block.Type}, not {type}");
        return segment.File.Values<T>(block.Offset, checked((int)block.Count));
    }

    static InvalidDataException Bad(string path, string why) => new($"segment file {path} is damaged or not a segment file: {why}");

    static void Pad(FileStream file)
    {
        int pad = (int)((Alignment - file.Position % Alignment) % Alignment);
        if (pad > 0) file.Write(new byte[pad]);
    }
}

/// <summary>What a segment file says about itself.</summary>
/// <param name="Kind">"images" or "captions".</param>
/// <param name="EmbeddingsHash">The encoders' hash the embeddings were made with (<c>SgrafBundle.EmbeddingsHash</c>).</param>
/// <param name="HeadHash">The shortlist head the vectors were made with; empty without a head.</param>
/// <param name="Items">Per slot: id, caption text, metadata JSON.</param>
/// <param name="Lengths">Captions: tokens per slot (their words lie one after another in the words blocks).</param>
public sealed record SegmentHeader(
    string Kind, int Count, string EmbeddingsHash, string HeadHash, int ShortlistDim,
    IReadOnlyList<SegmentItem> Items, IReadOnlyList<int>? Lengths = null, IReadOnlyList<SegmentBlock>? Blocks = null);

/// <summary>One slot of a segment file.</summary>
/// <param name="PictureBytes">Images: the length of the item's picture in the pictures block, where the pictures lie in slot order; null: none.</param>
public sealed record SegmentItem(string Id, string? Text, string? Metadata, int? PictureBytes = null);

/// <summary>Where a block lies: byte offset, number of values, and their type (float32, float16 or uint8).</summary>
public sealed record SegmentBlock(string Name, long Offset, long Count, string Type);
