using System.Text.Json.Nodes;
using Sgraf.Api.Gallery.Local;
using Sgraf.Inference.Runtime;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// A fixed-capacity block of gallery items. Slots are written once, in order, by the index's single writer; a
/// replaced or deleted item's slot is only marked dead. Readers see a segment through a <see cref="SegmentView{T}"/>,
/// which fixes how many slots they may read and which of them are alive, so a search never sees a half-applied change.
/// With a shortlist head, the segment also keeps its items' shortlist vectors, (capacity × the head's dim).
/// A segment sealed into a file (<see cref="FileName"/>), or frozen for a seal, takes no more items; its slots can still die.
/// </summary>
public abstract class GallerySegment(int capacity, int shortlistDim)
{
    readonly float[]? shortlistVectors = shortlistDim > 0 ? new float[(long)capacity * shortlistDim] : null;
    readonly string[] ids = new string[capacity];
    readonly string?[] texts = new string?[capacity];
    readonly string?[] metadata = new string?[capacity];
    bool[] published = new bool[capacity];
    bool[]? pending;
    bool frozen;

    /// <summary>A segment read back from its file: every slot written, the dead ones dead, closed to appends.</summary>
    protected GallerySegment(SegmentHeader header, string fileName, ReadOnlySpan<float> shortlistVectors, IReadOnlyCollection<int> dead)
        : this(header.Count, header.ShortlistDim)
    {
        for (int slot = 0; slot < header.Count; slot++)
        {
            var item = header.Items[slot];
            (ids[slot], texts[slot], metadata[slot]) = (item.Id, item.Text, item.Metadata);
            published[slot] = true;
        }
        foreach (int slot in dead) published[slot] = false;
        shortlistVectors.CopyTo(this.shortlistVectors);
        Count = header.Count;
        LiveCount = published.AsSpan(0, Count).Count(true);
        FileName = fileName;
    }

    public int Capacity => capacity;

    /// <summary>Slots written so far (by the writer; readers use their view's count).</summary>
    public int Count { get; private set; }

    /// <summary>Slots written and still alive, as of the last publish.</summary>
    public int LiveCount { get; private set; }

    public bool IsFull => Count == capacity || FileName is not null || frozen;

    /// <summary>The file the segment was sealed into, or null while it is only in memory.</summary>
    public string? FileName { get; private set; }

    /// <summary>Writer: a seal is copying the segment's items (<see cref="GalleryIndex.BeginSeal"/>); it takes no more, so they can be read meanwhile.</summary>
    internal void Freeze() => frozen = true;

    /// <summary>Writer: the segment's items are now in <paramref name="fileName"/>; it takes no more.</summary>
    internal void Sealed(string fileName) => FileName = fileName;

    /// <summary>Writer: the written slots that are dead, as of the last publish.</summary>
    internal List<int> DeadSlots() => [.. Enumerable.Range(0, Count).Where(slot => !published[slot])];

    /// <summary>Writer: the written slots that are alive, as of the last publish.</summary>
    internal List<int> LiveSlots() => [.. Enumerable.Range(0, Count).Where(slot => published[slot])];

    /// <summary>
    /// Writer: the header of the segment's file (its written slots), with each slot's picture length from
    /// <paramref name="pictureBytes"/> (images); the file's blocks fill in where they lie.
    /// </summary>
    internal SegmentHeader Header(string kind, string embeddingsHash, string headHash, IReadOnlyList<int>? lengths = null, Func<int, int?>? pictureBytes = null) =>
        new(kind, Count, embeddingsHash, headHash, shortlistDim,
            [.. Enumerable.Range(0, Count).Select(slot => new SegmentItem(ids[slot], texts[slot], metadata[slot], pictureBytes?.Invoke(slot)))], lengths);

    /// <summary>The written slots' shortlist vectors, for the file; empty without a head.</summary>
    internal ReadOnlyMemory<float> ShortlistBlock() => shortlistVectors.AsMemory(0, Count * shortlistDim);

    /// <summary>The header of an opened segment file, checked to hold items of <paramref name="kind"/> made by these encoders.</summary>
    /// <exception cref="InvalidDataException">It holds something else; the message names the file.</exception>
    protected static SegmentHeader CheckedHeader((SegmentHeader Header, MappedFile File) opened, string kind, string embeddingsHash, string path)
    {
        var header = opened.Header;
        if (header.Kind != kind || header.EmbeddingsHash != embeddingsHash || header.Items.Count != header.Count)
            throw new InvalidDataException($"segment file {path} holds {header.Kind} of encoders {header.EmbeddingsHash}, not {kind} of this bundle's encoders {embeddingsHash}");
        return header;
    }

    /// <summary>
    /// The file's shortlist vectors when <paramref name="headHash"/> made them, else computed again with
    /// <paramref name="head"/> (<paramref name="compute"/>); none without a head.
    /// </summary>
    protected static float[] ShortlistVectorsOf((SegmentHeader Header, MappedFile File) opened, string path, ShortlistEncoder? head,
        string headHash, Func<ShortlistEncoder, float[]> compute) =>
        head is null ? []
        : opened.Header.HeadHash == headHash && opened.Header.ShortlistDim == head.Dim ? opened.Block("shortlist", path).ToArray()
        : compute(head);

    /// <summary>A live slot's description, to move the item into another segment.</summary>
    internal ItemDescription Description(int slot) => new(texts[slot], Metadata(slot));

    public string Id(int slot) => ids[slot];

    /// <summary>The item's shortlist vector, read in place.</summary>
    public ReadOnlySpan<float> ShortlistVector(int slot) =>
        shortlistVectors is { } vectors ? vectors.AsSpan(slot * shortlistDim, shortlistDim) : throw new InvalidOperationException("the bundle has no shortlist head");

    /// <summary>A copy of the item's shortlist vector, or null without a head.</summary>
    protected float[]? CopyShortlistVector(int slot) => shortlistVectors is null ? null : ShortlistVector(slot).ToArray();

    public string? Text(int slot) => texts[slot];

    /// <summary>
    /// The caller's metadata object, parsed afresh for each reader: it is kept as JSON text because a shared
    /// JsonObject is not safe to read from several threads.
    /// </summary>
    public JsonObject? Metadata(int slot) => metadata[slot] is { } json ? JsonNode.Parse(json)!.AsObject() : null;

    /// <summary>The metadata as stored (JSON text), for passing on unparsed.</summary>
    public string? MetadataJson(int slot) => metadata[slot];

    /// <summary>Writer: fills the next slot; it becomes visible at the next <see cref="Publish"/>.</summary>
    protected int Append(string id, ItemDescription description, float[]? shortlistVector)
    {
        int slot = Count;
        if (shortlistVectors is not null)
        {
            if (shortlistVector?.Length != shortlistDim)
                throw new ArgumentException($"item '{id}' has no {shortlistDim}-float shortlist vector; the index computes them before adding", nameof(shortlistVector));
            shortlistVector.CopyTo(shortlistVectors.AsSpan(slot * shortlistDim));
        }
        ids[slot] = id;
        texts[slot] = description.Text;
        metadata[slot] = description.Metadata?.ToJsonString();
        Writable()[slot] = true;
        Count = slot + 1;
        return slot;
    }

    /// <summary>Writer: marks a slot dead from the next <see cref="Publish"/> on.</summary>
    public void Kill(int slot) => Writable()[slot] = false;

    /// <summary>Writer: makes the changes since the last publish visible to views taken from now on.</summary>
    public SegmentView<TSegment> Publish<TSegment>() where TSegment : GallerySegment
    {
        if (pending is not null)
        {
            published = pending;
            pending = null;
            LiveCount = published.AsSpan(0, Count).Count(true);
        }
        return new SegmentView<TSegment>((TSegment)this, Count, published);
    }

    // Views hold the published array; the writer changes a copy until the next publish.
    bool[] Writable() => pending ??= (bool[])published.Clone();
}

/// <summary>A reader's fixed picture of a segment: its first <see cref="Count"/> slots, and which are alive.</summary>
public sealed record SegmentView<TSegment>(TSegment Segment, int Count, bool[] Alive) where TSegment : GallerySegment;
