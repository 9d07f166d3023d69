using System.Text.Json.Nodes;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// A fixed-capacity block of gallery items. Slots are written once, in order, by the index's single writer; a
/// replaced or deleted item's slot is only marked dead. Readers see a segment through a <see cref="SegmentView{T}"/>,
/// which fixes how many slots they may read and which of them are alive, so a search never sees a half-applied change.
/// With a shortlist head, the segment also keeps its items' shortlist vectors, (capacity × the head's dim).
/// </summary>
public abstract class GallerySegment(int capacity, int shortlistDim)
{
    readonly float[]? shortlistVectors = shortlistDim > 0 ? new float[(long)capacity * shortlistDim] : null;
    readonly string[] ids = new string[capacity];
    readonly string?[] texts = new string?[capacity];
    readonly string?[] metadata = new string?[capacity];
    bool[] published = new bool[capacity];
    bool[]? pending;

    public int Capacity => capacity;

    /// <summary>Slots written so far (by the writer; readers use their view's count).</summary>
    public int Count { get; private set; }

    /// <summary>Slots written and still alive, as of the last publish.</summary>
    public int LiveCount { get; private set; }

    public bool IsFull => Count == capacity;

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
