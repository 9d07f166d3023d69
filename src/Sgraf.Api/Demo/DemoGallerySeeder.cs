using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Inference.Data;
using Sgraf.Shapes;

namespace Sgraf.Api.Demo;

/// <summary>
/// Fills an empty gallery with the shapes benchmark's test split — the images the demo bundle was evaluated on and
/// their five captions each — generating the split first if it is missing (seed 7, as the demo models were trained).
/// </summary>
public sealed class DemoGallerySeeder(IGalleryWriter writer, IOptions<SgrafServiceOptions> options, ILogger<DemoGallerySeeder> logger)
{
    public const string Split = "test";
    public const int Seed = 7;
    const int Chunk = 100;

    public static string ImageId(int index) => $"shapes-test-{index:D6}";

    public static string CaptionId(int image, int caption) => $"{ImageId(image)}-{caption}";

    /// <summary>Where the demo's SVG pictures are served.</summary>
    public const string PicturePath = "/demo/images";

    public async Task SeedAsync(int imgDim, Action<string> progress, CancellationToken cancellationToken)
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
}
