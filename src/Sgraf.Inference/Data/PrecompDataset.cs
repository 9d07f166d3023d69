using Sgraf.Inference.Model;

namespace Sgraf.Inference.Data;

/// <summary>
/// One split of a SCAN-style precomputed dataset (spec §12): <c>{split}_ims.npy</c>, region features of shape
/// (images, 36, img_dim), and <c>{split}_caps.txt</c>, five captions per image in image order (captions 5i..5i+4
/// describe image i). Like the official loader, a file with one caption per image is also accepted.
/// </summary>
public sealed class PrecompDataset
{
    /// <summary>Captions per image in the official data.</summary>
    public const int OfficialCaptionsPerImage = 5;

    PrecompDataset(string imagesPath, string captionsPath, NpyArray<float> images, IReadOnlyList<string> captions)
    {
        ImagesPath = imagesPath;
        CaptionsPath = captionsPath;
        ImageFeatures = images.Data;
        ImageCount = images.Shape[0];
        ImageDim = images.Shape[2];
        Captions = captions;
        CaptionsPerImage = captions.Count / ImageCount;
    }

    public string ImagesPath { get; }
    public string CaptionsPath { get; }

    public int ImageCount { get; }
    public int CaptionCount => Captions.Count;

    /// <summary>Feature size of one region (img_dim; 2048 for the SCAN bottom-up features).</summary>
    public int ImageDim { get; }

    /// <summary>5, or 1 for a file with one caption per image.</summary>
    public int CaptionsPerImage { get; }

    /// <summary>All region features, flattened image by image, region by region: ImageCount × 36 × ImageDim floats.</summary>
    public float[] ImageFeatures { get; }

    /// <summary>Each caption as read and stripped, case kept (see <see cref="CaptionFile"/>).</summary>
    public IReadOnlyList<string> Captions { get; }

    /// <summary>The 36 × ImageDim region features of one image.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ImageCount);
        var size = SgrafConfig.Regions * ImageDim;
        return ImageFeatures.AsSpan(index * size, size);
    }

    /// <summary>The image a caption describes (the official <c>index // im_div</c>).</summary>
    public int ImageOf(int captionIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(captionIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(captionIndex, CaptionCount);
        return captionIndex / CaptionsPerImage;
    }

    /// <summary>
    /// The first <paramref name="captionCount"/> captions and their images, or the whole split if it is smaller:
    /// how the official loader forces <c>dev</c> to 5000 captions (spec §12).
    /// </summary>
    public PrecompDataset Take(int captionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(captionCount);
        if (captionCount >= CaptionCount) return this;
        var images = (captionCount + CaptionsPerImage - 1) / CaptionsPerImage;
        var features = ImageFeatures.AsSpan(0, images * SgrafConfig.Regions * ImageDim).ToArray();
        var kept = new NpyArray<float>([images, SgrafConfig.Regions, ImageDim], features);
        return new PrecompDataset(ImagesPath, CaptionsPath, kept, Captions.Take(images * CaptionsPerImage).ToArray());
    }

    /// <param name="dataDir">The folder holding the split's files, e.g. <c>data/f30k_precomp</c>.</param>
    /// <param name="split">"test", "dev", "testall", ...</param>
    /// <param name="expectedImgDim">The img_dim of the model that will read the features, checked before they are loaded.</param>
    public static PrecompDataset Load(string dataDir, string split, int? expectedImgDim = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentException.ThrowIfNullOrEmpty(split);
        var imagesPath = Path.Combine(dataDir, $"{split}_ims.npy");
        var captionsPath = Path.Combine(dataDir, $"{split}_caps.txt");

        // Everything that can be checked from the header and the captions is, before the large feature file is read.
        var header = NpyReader.ReadHeader(imagesPath);
        ExpectedDim[] shape = ["N", SgrafConfig.Regions, "img_dim"];
        header.CheckShape(imagesPath, shape);
        var (imageCount, imageDim) = (header.Shape[0], header.Shape[2]);
        if (imageCount == 0) throw InvalidInputException.InFile(imagesPath, "holds no images");
        if (expectedImgDim is { } modelDim && modelDim != imageDim)
            throw InvalidInputException.InFile(imagesPath,
                $"model expects img_dim {modelDim} but {Path.GetFileName(imagesPath)} has {imageDim}");

        var captions = CaptionFile.Read(captionsPath);
        if (captions.Count != OfficialCaptionsPerImage * imageCount && captions.Count != imageCount)
            throw new InvalidInputException(
                $"{captionsPath} has {captions.Count} captions but {imagesPath} has {imageCount} images; " +
                $"expected {OfficialCaptionsPerImage * imageCount} captions ({OfficialCaptionsPerImage} per image) or {imageCount} (one per image)");

        var images = NpyReader.ReadFloat32(imagesPath, shape);
        FiniteValues.Check(images.Data, imagesPath, images.Shape);
        return new PrecompDataset(imagesPath, captionsPath, images, captions);
    }
}
