using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Model;
using Sgraf.LoadTest.Cli;

namespace Sgraf.LoadTest.GalleryImport;

/// <summary>A split to import and how.</summary>
/// <param name="Batch">Images per POST /images/import.</param>
/// <param name="CaptionBatch">Captions per POST /captions.</param>
/// <param name="IdPrefix">Image <c>i</c> of the split is <c>{IdPrefix}{i}</c>; its caption <c>k</c>, <c>{IdPrefix}{i}-{k}</c>.</param>
/// <param name="Limit">Import only the split's first this many images (and their captions); null: all of them.</param>
internal sealed record PrecompImportRequest(string DataDir, string Split, bool Captions, int Batch, int CaptionBatch, string IdPrefix, int? Limit = null);

/// <summary>What an import did, and how long each part took.</summary>
internal sealed record PrecompImportResult(int Images, AddCounts ImageCounts, double ImageSeconds, int Captions, AddCounts CaptionCounts, double CaptionSeconds);

/// <summary>
/// <c>sgraf gallery import</c>: puts a precomp split (<see cref="PrecompDataset"/>'s files) into a running service. Images
/// are streamed from <c>{split}_ims.npy</c> one at a time as binary frames, <see cref="PrecompImportRequest.Batch"/> per
/// POST /images/import, with metadata <c>{"split", "index"}</c>; captions (optional) go through POST /captions as JSON
/// with metadata <c>{"image": id}</c>.
/// </summary>
internal static class PrecompImport
{
    /// <summary>
    /// Reads the rows to import once before any request: a NaN or an infinity (which the reader refuses, naming the row)
    /// fails the import before the gallery changes, not after the images before it went in. Reading is fast beside importing.
    /// </summary>
    static void CheckFinite(NpyRowReader rows, int images)
    {
        var row = new float[rows.RowElements];
        for (int i = 0; i < images; i++) rows.ReadRow(row);
        rows.Seek(0);
    }

    public static PrecompImportResult Run(GalleryImportClient client, PrecompImportRequest request, CancellationToken cancel)
    {
        var imagesPath = Path.Combine(request.DataDir, $"{request.Split}_ims.npy");
        using var rows = NpyRowReader.Open(imagesPath, "N", SgrafConfig.Regions, "img_dim");
        if (rows.Rows == 0) throw InvalidInputException.InFile(imagesPath, "holds no images");
        int images = Math.Min(rows.Rows, request.Limit ?? int.MaxValue);
        // The files are opened and the captions read and checked before any request, so a bad split fails before the gallery changes.
        var captions = request.Captions ? Captions(request, rows.Rows, images) : [];
        CheckFinite(rows, images);
        var (ready, serviceImgDim) = client.ReadinessAsync(cancel).GetAwaiter().GetResult();
        if (!ready) throw new InvalidInputException($"{client.Address}: GET health/ready does not answer 200; is the service up?");
        // Checked before any frame: a frame of the wrong size is only seen as one that ends too early, bytes into the body.
        if (serviceImgDim is { } dim && dim != rows.Shape[2])
            throw InvalidInputException.InFile(imagesPath,
                $"holds {rows.Shape[2]}-dim region features (img_dim {rows.Shape[2]}) but the service's bundle reads img_dim {dim}; import a split whose features were extracted for that bundle");

        var imageClock = Stopwatch.StartNew();
        var imageCounts = CommandRunner.WithProgress($"importing {images} images", task =>
        {
            task.MaxValue = images;
            var total = new AddCounts(0, 0);
            for (int start = 0; start < images; start += request.Batch)
            {
                int count = Math.Min(request.Batch, images - start);
                using var frames = new ImageFramesContent(rows, start, count, i => (ImageId(request, i), ImageMetadata(request.Split, i)), () => task.Increment(1));
                try
                {
                    total = Sum(total, client.ImportImagesAsync(frames, cancel).GetAwaiter().GetResult());
                }
                catch (InvalidInputException e)
                {
                    throw new InvalidInputException($"images {start}–{start + count - 1}: {e.Message}; the {start} images before them were imported", e);
                }
            }
            return total;
        });
        double imageSeconds = imageClock.Elapsed.TotalSeconds;

        var captionClock = Stopwatch.StartNew();
        var captionCounts = captions.Length == 0 ? new AddCounts(0, 0) : CommandRunner.WithProgress($"adding {captions.Length} captions", task =>
        {
            task.MaxValue = captions.Length;
            var total = new AddCounts(0, 0);
            foreach (var batch in captions.Chunk(request.CaptionBatch))
            {
                total = Sum(total, client.AddCaptionsAsync(batch, cancel).GetAwaiter().GetResult());
                task.Increment(batch.Length);
            }
            return total;
        });
        return new PrecompImportResult(images, imageCounts, imageSeconds, captions.Length, captionCounts, captionClock.Elapsed.TotalSeconds);
    }

    public static string ImageId(PrecompImportRequest request, int index) => string.Create(CultureInfo.InvariantCulture, $"{request.IdPrefix}{index}");

    static byte[] ImageMetadata(string split, int index) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["split"] = split, ["index"] = index });

    /// <summary>
    /// Each caption of the first <paramref name="imported"/> images with its id and image, as the official layout pairs
    /// them (captions 5i … 5i + 4 describe image i).
    /// </summary>
    static (string Id, string Text, JsonObject Metadata)[] Captions(PrecompImportRequest request, int images, int imported)
    {
        var path = Path.Combine(request.DataDir, $"{request.Split}_caps.txt");
        var texts = CaptionFile.Read(path);
        if (texts.Count != PrecompDataset.OfficialCaptionsPerImage * images && texts.Count != images)
            throw InvalidInputException.InFile(path, $"has {texts.Count} captions for {images} images; expected " +
                $"{PrecompDataset.OfficialCaptionsPerImage * images} ({PrecompDataset.OfficialCaptionsPerImage} per image) or {images} (one per image)");
        int perImage = texts.Count / images;
        return [.. texts.Take(perImage * imported).Select((text, c) =>
        {
            var image = ImageId(request, c / perImage);
            return (string.Create(CultureInfo.InvariantCulture, $"{image}-{c % perImage}"), text, new JsonObject { ["image"] = image });
        })];
    }

    static AddCounts Sum(AddCounts a, AddCounts b) => new(a.Added + b.Added, a.Replaced + b.Replaced);
}
