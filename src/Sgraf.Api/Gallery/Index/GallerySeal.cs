namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// A seal of a <see cref="GalleryIndex"/> in progress (see <see cref="IGallerySeal"/>): the frozen images and captions,
/// copied into new segment files by <see cref="Write"/> while changes go on, swapped in by <see cref="Commit"/>.
/// </summary>
internal sealed class GallerySeal(GalleryIndex index, SegmentCopy<ImageSegment> images, SegmentCopy<CaptionSegment> captions) : IGallerySeal
{
    bool written, committed;

    public void Write(string directory, Func<string, string> newFileName)
    {
        if (written) throw new InvalidOperationException("the seal was already written");
        int dim = index.Shortlist?.Dim ?? 0;
        images.Write(ImageSegment.DefaultCapacity,
            n => new ImageSegment(index.Codec, dim, index.ScratchDirectory, n),
            (copy, from, slot) => copy.AddCopy(from, slot),
            copy => copy.Seal(Path.Combine(directory, newFileName(ImageSegment.Kind)), index.EmbeddingsHash, index.HeadHash, index.HalfPrecision));
        captions.Write(CaptionSegment.DefaultCapacity,
            n => new CaptionSegment(index.Codec, dim, n),
            (copy, from, slot) => copy.Add(from.Id(slot), from.Description(slot), from.Read(slot)),
            copy => copy.Seal(Path.Combine(directory, newFileName(CaptionSegment.Kind)), index.EmbeddingsHash, index.HeadHash));
        written = true;
    }

    public IReadOnlyList<SealedSegment> Commit()
    {
        // Swapping in copies that are missing items would drop those items from the index.
        if (!written || committed) throw new InvalidOperationException(written ? "the seal was already committed" : "commit a seal only after writing it whole");
        committed = true;
        return index.Swap(images, captions);
    }
}
