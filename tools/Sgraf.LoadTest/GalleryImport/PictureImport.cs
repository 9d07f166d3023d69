using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Sgraf.Inference;
using Sgraf.Training.Features;

namespace Sgraf.LoadTest.GalleryImport;

/// <summary>A folder of photos to import and how.</summary>
/// <param name="Batch">Photos per POST /images.</param>
/// <param name="CaptionsFile">A <c>Flickr8k.token.txt</c>-style file (<c>photo#n\tcaption</c>) whose captions of the imported photos are added; null: none.</param>
/// <param name="Limit">Import only the folder's first this many photos (by file name); null: all of them.</param>
internal sealed record PictureImportRequest(string PicturesDir, string? CaptionsFile, int Batch, int CaptionBatch, int? Limit = null);

/// <summary>
/// <c>sgraf-load gallery import --pictures DIR</c>: the folder's JPEG, PNG and WebP files (by file name, ordinal order)
/// as multipart/form-data POST /images, <see cref="PictureImportRequest.Batch"/> files a request, each file streamed from
/// disk while HttpClient sends it; the service names each image after its file (the name without the extension). With a
/// captions file, the captions of the imported photos follow through POST /captions, ids <c>{image}-{n}</c>, metadata
/// <c>{"image": id}</c>.
/// </summary>
internal static class PictureImport
{
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp"];

    public static PrecompImportResult Run(GalleryImportClient client, PictureImportRequest request, CancellationToken cancel)
    {
        if (!Directory.Exists(request.PicturesDir)) throw InvalidInputException.InFile(request.PicturesDir, "folder not found");
        var photos = Directory.EnumerateFiles(request.PicturesDir)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(request.Limit ?? int.MaxValue).ToArray();
        if (photos.Length == 0)
            throw InvalidInputException.InFile(request.PicturesDir, "holds no photos (.jpg, .jpeg, .png or .webp files)");
        var repeated = photos.GroupBy(ImageId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw InvalidInputException.InFile(request.PicturesDir, $"has {string.Join(" and ", repeated.Select(Path.GetFileName))}, which would both be image '{repeated.Key}'");
        // The captions are read and checked before any request, so a bad file fails before the gallery changes.
        var captions = request.CaptionsFile is null ? [] : Captions(request.CaptionsFile, photos);
        if (!client.ReadinessAsync(cancel).GetAwaiter().GetResult().Ready)
            throw new InvalidInputException($"{client.Address}: GET health/ready does not answer 200; is the service up?");

        var imageClock = Stopwatch.StartNew();
        var imageCounts = CommandRunner.WithProgress($"importing {photos.Length} photos", task =>
        {
            task.MaxValue = photos.Length;
            var total = new AddCounts(0, 0);
            for (int start = 0; start < photos.Length; start += request.Batch)
            {
                var batch = photos.AsSpan(start, Math.Min(request.Batch, photos.Length - start)).ToArray();
                using var form = Form(batch);
                try
                {
                    total += client.AddPicturesAsync(form, cancel).GetAwaiter().GetResult();
                }
                catch (InvalidInputException e)
                {
                    throw new InvalidInputException($"photos {start}–{start + batch.Length - 1} ({Path.GetFileName(batch[0])} …): {e.Message}; "
                        + $"the {start} photos before them were imported", e);
                }
                task.Increment(batch.Length);
            }
            return total;
        });
        double imageSeconds = imageClock.Elapsed.TotalSeconds;

        var captionClock = Stopwatch.StartNew();
        var captionCounts = PrecompImport.AddCaptions(client, captions, request.CaptionBatch, cancel);
        return new PrecompImportResult(photos.Length, imageCounts, imageSeconds, captions.Length, captionCounts, captionClock.Elapsed.TotalSeconds);
    }

    /// <summary>The id the service gives a picture part without an id part: its file name without the extension.</summary>
    public static string ImageId(string file) => Path.GetFileNameWithoutExtension(file);

    /// <summary>
    /// One request's picture parts. Each file is a seekable <see cref="StreamContent"/>, which HttpClient rewinds when it
    /// sends the body again after a 503, so a resent batch is the same batch; the files are closed with the form.
    /// </summary>
    static MultipartFormDataContent Form(string[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new StreamContent(File.OpenRead(file));
            part.Headers.ContentType = new MediaTypeHeaderValue(Path.GetExtension(file).ToLowerInvariant() switch
            {
                ".png" => "image/png",
                ".webp" => "image/webp",
                _ => "image/jpeg",
            });
            form.Add(part, "picture", Path.GetFileName(file));
        }
        return form;
    }

    /// <summary>The captions of <paramref name="photos"/> in the file, by photo and caption number; photos it has no caption for get none.</summary>
    static (string Id, string Text, JsonObject Metadata)[] Captions(string path, string[] photos)
    {
        var file = FlickrCaptions.Read(path);
        var captions = photos.SelectMany(photo =>
        {
            var image = ImageId(photo);
            return file.Of(Path.GetFileName(photo)).Select((text, n) => ($"{image}-{n}", text, new JsonObject { ["image"] = image }));
        }).ToArray();
        if (captions.Length == 0)
            throw InvalidInputException.InFile(path, $"has no caption of any of the {photos.Length} photos (lines \"<photo file name>#<n>\\t<caption>\")");
        return captions;
    }
}
