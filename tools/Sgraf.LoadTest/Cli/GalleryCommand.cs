using System.CommandLine;
using System.Globalization;
using Sgraf.Inference;
using Sgraf.LoadTest.GalleryImport;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// <c>sgraf gallery import</c>: fills a running service's gallery from a precomp split, images as binary frames through
/// POST /images/import (streamed from the .npy one image at a time), or with <c>--pictures DIR</c> from a folder of photos
/// through multipart POST /images; captions optionally through POST /captions.
/// </summary>
internal static class GalleryCommand
{
    /// <summary>What to import: exactly one of a precomp split and a folder of photos.</summary>
    sealed record Request(Uri Url, string ApiKey, bool AllowRemote, PrecompImportRequest? Import, PictureImportRequest? Pictures);

    const int FramesBatch = 256, PicturesBatch = 32;

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder of the split's {split}_ims.npy and {split}_caps.txt" };
        var split = new Option<string>("--split") { Description = "Split name, e.g. test" };
        var pictures = new Option<string>("--pictures")
        {
            Description = "Instead of a split: a folder of photos (.jpg, .jpeg, .png, .webp), each image named after its file without the extension; needs a bundle with a picture encoder",
        };
        var url = new Option<string>("--url") { Description = "The service", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var apiKey = new Option<string>("--api-key") { Description = "X-Api-Key of the service (one of its Sgraf:ApiKeys)", Required = true };
        var captions = new Option<string?>("--captions")
        {
            Description = "Also add captions: a split's own (no value; ids {prefix}{image}-{k}), or with --pictures a Flickr8k.token.txt-style FILE of \"<photo>#<n>\\t<caption>\" lines "
                + "(ids {image}-{k}); metadata {\"image\": id}",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var batch = new Option<int?>("--batch") { Description = $"Images per request ({FramesBatch} frames per POST /images/import, {PicturesBatch} photos per POST /images by default)" };
        var captionBatch = new Option<int>("--caption-batch")
        {
            Description = "Captions per POST /captions (at most the service's Sgraf:Limits:MaxItemsPerRequest, 1000 by default)",
            DefaultValueFactory = _ => 256,
        };
        var idPrefix = new Option<string>("--id-prefix") { Description = "Image i of the split gets id {prefix}{i}", DefaultValueFactory = _ => "" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --url that is not this machine" };
        var limit = new Option<int?>("--limit") { Description = "Import only the split's first N images, or the folder's first N photos by file name (and their captions)" };
        var import = new Command("import", "Import a precomp split's images, or a folder of photos, (and with --captions their captions) into a running service")
        {
            data, split, pictures, url, apiKey, captions, batch, captionBatch, idPrefix, allowRemote, limit,
        };
        import.SetAction(parse => CommandRunner.Run(() =>
        {
            bool withCaptions = parse.GetResult(captions) is not null;
            var picturesDir = parse.GetValue(pictures);
            if (picturesDir is not null && (parse.GetValue(data) is not null || parse.GetValue(split) is not null))
                throw new InvalidInputException("--pictures imports a folder of photos; --data and --split a precomp split: give one of them");
            if (picturesDir is null && (parse.GetValue(data) is null || parse.GetValue(split) is null))
                throw new InvalidInputException("give --data DIR and --split NAME (a precomp split) or --pictures DIR (a folder of photos)");
            if (picturesDir is not null && withCaptions && parse.GetValue(captions) is null)
                throw new InvalidInputException("--captions with --pictures needs the captions FILE (\"<photo>#<n>\\t<caption>\" lines, as Flickr8k.token.txt)");
            if (picturesDir is null && parse.GetValue(captions) is { } file)
                throw new InvalidInputException($"--captions takes no file with --data (the split's {{split}}_caps.txt is used), got '{file}'");
            return Run(new Request(ParseUrl(parse.GetValue(url)!), parse.GetValue(apiKey)!, parse.GetValue(allowRemote),
                picturesDir is null
                    ? new PrecompImportRequest(parse.GetValue(data)!, parse.GetValue(split)!, withCaptions, parse.GetValue(batch) ?? FramesBatch,
                        parse.GetValue(captionBatch), parse.GetValue(idPrefix)!, parse.GetValue(limit))
                    : null,
                picturesDir is null
                    ? null
                    : new PictureImportRequest(picturesDir, parse.GetValue(captions), parse.GetValue(batch) ?? PicturesBatch, parse.GetValue(captionBatch), parse.GetValue(limit))));
        }));
        return new Command("gallery", "Work on a running service's gallery") { import };
    }

    static int Run(Request request)
    {
        Validate(request);
        using var client = new GalleryImportClient(request.Url, request.ApiKey);
        var cancel = CancellationToken.None;   // Ctrl+C ends the process; what was imported stays, as after a failed request
        return ServiceCall.Run(request.Url, () =>
        {
            Print(request, request.Import is { } import ? PrecompImport.Run(client, import, cancel) : PictureImport.Run(client, request.Pictures!, cancel));
            return CommandRunner.Success;
        });
    }

    static void Validate(Request request)
    {
        if (!request.Url.IsLoopback && !request.AllowRemote)
            throw new InvalidInputException($"--url {request.Url} is not this machine; importing into another machine needs --allow-remote");
        if (request.ApiKey.Length == 0) throw new InvalidInputException("--api-key is empty; the service needs one of its Sgraf:ApiKeys to add images");
        var (batch, captionBatch, limit) = request.Import is { } i ? (i.Batch, i.CaptionBatch, i.Limit) : (request.Pictures!.Batch, request.Pictures.CaptionBatch, request.Pictures.Limit);
        foreach (var (name, value) in new[] { ("--batch", batch), ("--caption-batch", captionBatch) })
            if (value is < 1 or > 100_000) throw new InvalidInputException($"{name} must be 1–100000, got {value}");
        if (limit is < 1) throw new InvalidInputException($"--limit must be at least 1, got {limit}");
    }

    static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidInputException($"--url must be an http:// or https:// address, got '{text}'");

    static void Print(Request request, PrecompImportResult result)
    {
        var (images, counts, seconds) = (result.Images, result.ImageCounts, result.ImageSeconds);
        Console.WriteLine(request.Import is { } import
            ? string.Create(CultureInfo.InvariantCulture, $"imported {images} images of {import.DataDir} split {import.Split} into {request.Url}: {counts.Added} added, " +
              $"{counts.Replaced} replaced in {seconds:0.0} s ({images / seconds:0.0} images/s)")
            : string.Create(CultureInfo.InvariantCulture, $"imported {images} photos of {request.Pictures!.PicturesDir} into {request.Url}: {counts.Added} added, " +
              $"{counts.Replaced} replaced in {seconds:0.0} s ({images / seconds:0.0} photos/s)"));
        if (result.Captions > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"added {result.Captions} captions: {result.CaptionCounts.Added} added, {result.CaptionCounts.Replaced} replaced in " +
                $"{result.CaptionSeconds:0.0} s ({result.Captions / result.CaptionSeconds:0.0} captions/s)"));
    }
}
