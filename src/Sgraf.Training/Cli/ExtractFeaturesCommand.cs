using System.CommandLine;
using System.Globalization;
using Sgraf.Inference;
using Sgraf.Inference.Pictures;
using Sgraf.Training.Features;

namespace Sgraf.Training.Cli;

/// <summary>
/// <c>sgraf extract-features</c>: photos and their captions → the official precomp layout, one split per split file,
/// through the picture encoder the service uses (<see cref="PictureFileEncoder"/>).
/// </summary>
internal static class ExtractFeaturesCommand
{
    public static Command Create()
    {
        var pictures = new Option<string>("--pictures") { Description = "Folder of the photos, by the file names the splits list", Required = true };
        var captions = new Option<string>("--captions") { Description = "Caption file, one \"<photo>#<n>\\t<caption>\" a line (Flickr8k.token.txt)", Required = true };
        var splits = new Option<string>("--splits") { Description = "Folder of the split files Flickr_8k.{train,dev,test}Images.txt", Required = true };
        var output = new Option<string>("--out") { Description = "Precomp folder to write: {split}_ims.npy, {split}_caps.txt, {split}_ids.txt", Required = true };
        var decodeThreads = new Option<int>("--decode-threads")
        {
            Description = "Threads that read and decode photos while the encoder runs (1)",
            DefaultValueFactory = _ => 1,
        };
        var encoder = new PictureEncoderChoice();
        var command = new Command("extract-features",
            "Photos and captions → precomp features (N × 36 × img_dim) and captions, through the bundle's picture encoder")
        {
            pictures, captions, splits, output, decodeThreads,
        };
        encoder.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var picturesDir = parse.GetValue(pictures)!;
            var captionsPath = parse.GetValue(captions)!;
            var outDir = parse.GetValue(output)!;
            int threads = parse.GetValue(decodeThreads);
            if (threads <= 0) throw new InvalidInputException($"--decode-threads must be at least 1, not {threads}");
            if (!Directory.Exists(picturesDir)) throw InvalidInputException.InFile(picturesDir, "no such folder");
            var captionFile = FlickrCaptions.Read(captionsPath);
            var splitList = FlickrSplits.Read(parse.GetValue(splits)!);
            foreach (var split in splitList) PrecompExtraction.Check(split, picturesDir, captionFile, captionsPath);
            ReportUnused(captionFile, splitList, picturesDir);

            using var pictureEncoder = encoder.Open(parse);
            var extraction = new PrecompExtraction(new PictureFileEncoder(pictureEncoder, PictureLimits.Default, threads),
                pictureEncoder.ImgDim, pictureEncoder.Regions);
            foreach (var split in splitList)
            {
                var done = CommandRunner.WithProgress($"{split.Name}: {split.Photos.Count} photos", task =>
                {
                    task.MaxValue = split.Photos.Count;
                    var started = DateTime.UtcNow;
                    return extraction.Write(split, picturesDir, captionFile, outDir, photos =>
                    {
                        task.Value = photos;
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"{split.Name}: {photos / Math.Max(1e-9, (DateTime.UtcNow - started).TotalSeconds):0.0} photos/s");
                    });
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{done.Name}: {done.Photos} photos ({done.Photos} × {pictureEncoder.Regions} × {pictureEncoder.ImgDim}), {done.Captions} captions " +
                    $"in {done.Elapsed.TotalSeconds:0.0} s, {done.PhotosPerSecond:0.0} photos/s → {Path.Combine(outDir, done.Name + "_ims.npy")}"));
            }
            return CommandRunner.Success;
        }));
        return command;
    }

    /// <summary>Says which captions and photos no split uses, such as Flickr8k's orphan caption id with no photo.</summary>
    static void ReportUnused(FlickrCaptions captions, IReadOnlyList<FlickrSplit> splits, string picturesDir)
    {
        var inSplits = splits.SelectMany(s => s.Photos).ToHashSet(StringComparer.Ordinal);
        foreach (var photo in captions.Photos.Where(p => !inSplits.Contains(p)).Order(StringComparer.Ordinal))
            if (!File.Exists(Path.Combine(picturesDir, photo)))
                Console.Error.WriteLine($"note: skipping the {captions.Of(photo).Count} captions of {photo}: no such photo, and no split lists it");
        int unused = captions.Photos.Count(p => !inSplits.Contains(p) && File.Exists(Path.Combine(picturesDir, p)));
        if (unused > 0) Console.Error.WriteLine($"note: {unused} photos with captions are in no split and are not extracted");
    }
}
