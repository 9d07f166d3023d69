using System.CommandLine;
using System.Globalization;
using Sgraf.Inference;
using Sgraf.LoadTest.GalleryImport;

namespace Sgraf.LoadTest.Cli;

/// <summary>
/// <c>sgraf gallery import</c>: fills a running service's gallery from a precomp split, images as binary frames through
/// POST /images/import (streamed from the .npy one image at a time), captions optionally through POST /captions.
/// </summary>
internal static class GalleryCommand
{
    sealed record Request(Uri Url, string ApiKey, bool AllowRemote, PrecompImportRequest Import);

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder of the split's {split}_ims.npy and {split}_caps.txt", Required = true };
        var split = new Option<string>("--split") { Description = "Split name, e.g. test", Required = true };
        var url = new Option<string>("--url") { Description = "The service", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var apiKey = new Option<string>("--api-key") { Description = "X-Api-Key of the service (one of its Sgraf:ApiKeys)", Required = true };
        var captions = new Option<bool>("--captions") { Description = "Also add the split's captions (ids {prefix}{image}-{k}, metadata {\"image\": id})" };
        var batch = new Option<int>("--batch") { Description = "Images per POST /images/import", DefaultValueFactory = _ => 256 };
        var captionBatch = new Option<int>("--caption-batch")
        {
            Description = "Captions per POST /captions (at most the service's Sgraf:Limits:MaxItemsPerRequest, 1000 by default)",
            DefaultValueFactory = _ => 256,
        };
        var idPrefix = new Option<string>("--id-prefix") { Description = "Image i of the split gets id {prefix}{i}", DefaultValueFactory = _ => "" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a --url that is not this machine" };
        var limit = new Option<int?>("--limit") { Description = "Import only the split's first N images (and their captions)" };
        var import = new Command("import", "Import a precomp split's images (and with --captions its captions) into a running service")
        {
            data, split, url, apiKey, captions, batch, captionBatch, idPrefix, allowRemote, limit,
        };
        import.SetAction(parse => CommandRunner.Run(() => Run(new Request(ParseUrl(parse.GetValue(url)!), parse.GetValue(apiKey)!,
            parse.GetValue(allowRemote), new PrecompImportRequest(parse.GetValue(data)!, parse.GetValue(split)!, parse.GetValue(captions),
                parse.GetValue(batch), parse.GetValue(captionBatch), parse.GetValue(idPrefix)!, parse.GetValue(limit))))));
        return new Command("gallery", "Work on a running service's gallery") { import };
    }

    static int Run(Request request)
    {
        Validate(request);
        using var client = new GalleryImportClient(request.Url, request.ApiKey);
        var cancel = CancellationToken.None;   // Ctrl+C ends the process; what was imported stays, as after a failed request
        return ServiceCall.Run(request.Url, () =>
        {
            Print(request, PrecompImport.Run(client, request.Import, cancel));
            return CommandRunner.Success;
        });
    }

    static void Validate(Request request)
    {
        if (!request.Url.IsLoopback && !request.AllowRemote)
            throw new InvalidInputException($"--url {request.Url} is not this machine; importing into another machine needs --allow-remote");
        if (request.ApiKey.Length == 0) throw new InvalidInputException("--api-key is empty; the service needs one of its Sgraf:ApiKeys to add images");
        foreach (var (name, value) in new[] { ("--batch", request.Import.Batch), ("--caption-batch", request.Import.CaptionBatch) })
            if (value is < 1 or > 100_000) throw new InvalidInputException($"{name} must be 1–100000, got {value}");
        if (request.Import.Limit is < 1) throw new InvalidInputException($"--limit must be at least 1, got {request.Import.Limit}");
    }

    static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidInputException($"--url must be an http:// or https:// address, got '{text}'");

    static void Print(Request request, PrecompImportResult result)
    {
        var (images, counts, seconds) = (result.Images, result.ImageCounts, result.ImageSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {images} images of {request.Import.DataDir} split {request.Import.Split} into {request.Url}: {counts.Added} added, " +
            $"{counts.Replaced} replaced in {seconds:0.0} s ({images / seconds:0.0} images/s)"));
        if (result.Captions > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"added {result.Captions} captions: {result.CaptionCounts.Added} added, {result.CaptionCounts.Replaced} replaced in " +
                $"{result.CaptionSeconds:0.0} s ({result.Captions / result.CaptionSeconds:0.0} captions/s)"));
    }
}
