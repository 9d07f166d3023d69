using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Inference.Data;
using Sgraf.Inference.Runtime;
using Sgraf.Shapes;

namespace Sgraf.Api.Demo;

/// <summary>
/// Fills an empty gallery with the shapes benchmark's test split — the images the demo bundle was evaluated on and
/// their five captions each — generating the split first if it is missing (seed 7, as the demo models were trained).
/// </summary>
public sealed partial class DemoGallerySeeder(IGalleryWriter writer, IOptions<SgrafServiceOptions> options, ILogger<DemoGallerySeeder> logger)
{
    public const string Split = "test";
    public const int Seed = 7;
    const int Chunk = 100;

    public static string ImageId(int index) => $"shapes-test-{index:D6}";

    public static string CaptionId(int image, int caption) => $"{ImageId(image)}-{caption}";

    /// <summary>Where the demo's SVG pictures are served.</summary>
    public const string PicturePath = "/demo/images";

    /// <summary>
    /// Why the shapes demo does not fit this bundle, or null when it does. A bundle with a picture encoder is a model of
    /// photos: shape scenes in its gallery would answer every sentence with nonsense, so it starts empty and waits for
    /// photos. A bundle of another region size could not even store them.
    /// </summary>
    public static string? WhyNotFor(SgrafBundle bundle, int shapesImgDim, string shapesDirectory)
    {
        if (bundle.Manifest.PictureEncoder is not null)
            return $"the bundle {bundle.Directory} encodes photos (it has a picture encoder), and the shapes demo is synthetic scenes; add photos instead (POST /images, the page's Add photos, or sgraf-load gallery import --pictures)";
        if (shapesImgDim != bundle.ImgDim)
            return $"the shapes split in {shapesDirectory} has {shapesImgDim}-dimensional regions and the bundle {bundle.Directory} reads {bundle.ImgDim}; delete that folder to generate it for this bundle, or set Sgraf:DemoGallery:ShapesDirectory";
        return null;
    }

    /// <summary>Seeds the demo when it fits the bundle (<see cref="WhyNotFor"/>); otherwise logs why not and leaves the gallery empty.</summary>
    public async Task SeedIfItFitsAsync(SgrafBundle bundle, Action<string> progress, CancellationToken cancellationToken)
    {
        var dir = options.Value.DemoGallery.ShapesDirectory;
        var imagesFile = Path.Combine(dir, $"{Split}_ims.npy");
        int shapesImgDim = File.Exists(imagesFile) ? NpyReader.ReadHeader(imagesFile).Shape[^1] : bundle.ImgDim;
        if (WhyNotFor(bundle, shapesImgDim, dir) is { } reason)
        {
            LogDemoSkipped(logger, reason);
            return;
        }
        await SeedAsync(bundle.ImgDim, progress, cancellationToken);
    }

    async Task SeedAsync(int imgDim, Action<string> progress, CancellationToken cancellationToken)
    {
        var demo = options.Value.DemoGallery;
        var dir = demo.ShapesDirectory;
        if (!File.Exists(Path.Combine(dir, $"{Split}_ims.npy")) || !File.Exists(Path.Combine(dir, $"{Split}_caps.txt")))
        {
            progress($"generating the shapes {Split} split in {dir}");
            logger.LogInformation("Generating the shapes {Split} split ({Images} images) in {Directory}", Split, demo.Images, dir);
            ShapesBenchmarkWriter.WriteSplit(dir, SplitOptions(demo.Images, imgDim), Split);
        }
        var data = PrecompDataset.Load(dir, Split, imgDim);
        int images = Math.Min(demo.Images, data.ImageCount), perImage = data.CaptionsPerImage;
        var layouts = ShapesBenchmarkWriter.RegionLayouts(SplitOptions(demo.Images, imgDim), Split, images);
        for (int start = 0; start < images; start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, images - start);
            var batch = Enumerable.Range(start, n).Select(i => new ImageToAdd(ImageId(i), data.Image(i).ToArray(), new JsonObject
            {
                ["title"] = data.Captions[i * perImage],
                ["url"] = $"{PicturePath}/{i:D6}.svg",
                ["split"] = Split,
                ["index"] = i,
                ["width"] = SceneSvg.Side,
                ["height"] = SceneSvg.Side,
                ["boxes"] = RegionBoxes.ToJson(layouts[i], SceneSvg.Side),
            })).ToArray();
            await writer.AddImagesAsync(batch, cancellationToken);
            var captions = Enumerable.Range(start, n).SelectMany(i => Enumerable.Range(0, perImage).Select(k =>
                (CaptionId(i, k), data.Captions[i * perImage + k], (JsonObject?)new JsonObject { ["image"] = ImageId(i) }))).ToArray();
            await writer.AddCaptionsAsync(captions, cancellationToken);
            progress($"demo gallery: {start + n} of {images} images");
        }
        logger.LogInformation("Demo gallery loaded: {Images} images and {Captions} captions from {Directory}", images, images * perImage, dir);
    }

    static ShapesBenchmarkOptions SplitOptions(int images, int imgDim) => new(Seed: Seed, Test: Math.Max(images, 500), ImgDim: imgDim);

    /// <summary>The folder of the demo's SVG pictures (as <see cref="ShapesBenchmarkWriter"/> lays them out).</summary>
    public static string PictureDirectory(string shapesDirectory) => Path.Combine(shapesDirectory, "svg", Split);

    [LoggerMessage(Level = LogLevel.Information, Message = "The demo gallery is not loaded: {Reason}")]
    static partial void LogDemoSkipped(ILogger logger, string reason);
}
