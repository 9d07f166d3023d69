using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Sgraf.Api.Gallery;
using Sgraf.Api.Validation;
using Sgraf.Inference.Model;

namespace Sgraf.Api.Images;

/// <summary>
/// POST /images/import: images as a stream of binary frames (<see cref="Sgraf.Inference.Data.ImageFrame"/>) instead of
/// JSON. Frames are read as they arrive and added a batch at a time through the same writer as POST /images; a batch is
/// added only once all its frames are read and valid.
/// </summary>
public static class ImageImport
{
    public const string ContentType = "application/octet-stream";

    /// <summary>Images encoded and appended together: enough to amortise a log write, few enough to hold (19 MB at 2048-d).</summary>
    public const int BatchSize = 64;

    public static readonly string Description =
        "Streams images as binary frames, each: the 4 bytes 'SGIF', int32 id length, UTF-8 id, int32 metadata length, a UTF-8 JSON object " +
        "(length 0: none), then 36 × img_dim float32 region features (integers and floats little-endian). The rules of POST /images apply " +
        "(id, metadata size, finite features, each id once per request); the body may be up to Sgraf:Limits:MaxImportBytes. Images are " +
        $"encoded and added {BatchSize} at a time, each batch once all its frames are read and valid, durable when added. A bad frame " +
        "answers 400 naming it (frames[i]) and the byte it starts at, with 'imported': the images of the batches before the one holding it, " +
        "which stay; nothing from that batch on is added. A body over the limit answers 413 with 'imported' in the same way (Kestrel meets " +
        "the limit within about 1 MB of it, as it reads ahead). Content types other than application/octet-stream answer 415. Needs X-Api-Key.";

    public static async Task<Results<Ok<ImportImagesResponse>, ValidationProblem, ProblemHttpResult, JsonHttpResult<ProblemDetails>>> ImportImages(
        HttpContext context, RequestRules rules, IGalleryWriter writer, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) || !type.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be application/octet-stream",
                detail: $"POST /images/import reads binary image frames with Content-Type {ContentType}; the request's is '{context.Request.ContentType}'. " +
                        "JSON images go to POST /images.");
        var reader = new ImageFrameReader(context.Request.Body, rules);
        var features = new float[BatchSize][];
        var batch = new List<(string, float[], JsonObject?)>(BatchSize);
        int added = 0, replaced = 0;
        try
        {
            while (true)
            {
                var slot = features[batch.Count] ??= new float[SgrafConfig.Regions * rules.ImgDim];
                if (await reader.ReadAsync(slot, cancellationToken) is not { } frame) break;
                batch.Add((frame.Id, slot, frame.Metadata));
                if (batch.Count < BatchSize) continue;
                (added, replaced) = await Add(writer, batch, added, replaced, cancellationToken);
            }
            if (batch.Count > 0) (added, replaced) = await Add(writer, batch, added, replaced, cancellationToken);
        }
        catch (InvalidFrameException e)
        {
            return TypedResults.ValidationProblem(e.Errors, title: "A frame is not valid",
                detail: $"frames[{e.Frame}], at byte {e.Offset} of the body, cannot be imported (see 'errors'). The {added + replaced} images of the " +
                        $"batches before it were imported and stay; nothing from frames[{added + replaced}] on was.",
                extensions: new Dictionary<string, object?> { ["frame"] = e.Frame, ["offset"] = e.Offset, ["imported"] = added + replaced });
        }
        catch (BadHttpRequestException e)
        {
            // The body is over MaxImportBytes, or ended before its announced length. Written as is: the service's
            // wording of a 413 (AddSgrafProblems) says that nothing was changed, which is not so here.
            var problem = new ProblemDetails
            {
                Status = e.StatusCode,
                Title = "The request body could not be read",
                Detail = $"{e.Message}{(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? " (Sgraf:Limits:MaxImportBytes)" : "")} Reading stopped at " +
                         $"byte {reader.Offset}; the {added + replaced} images of the batches before were imported and stay.",
                Extensions = { ["imported"] = added + replaced },
            };
            return TypedResults.Json(problem, (JsonSerializerOptions?)null, "application/problem+json", e.StatusCode);
        }
        if (reader.Frames == 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["frames"] = ["the body holds no frames; send at least one image"] },
                title: "The request is not valid");
        return TypedResults.Ok(new ImportImagesResponse(added, replaced));
    }

    static async Task<(int Added, int Replaced)> Add(IGalleryWriter writer, List<(string, float[], JsonObject?)> batch, int added, int replaced,
        CancellationToken cancellationToken)
    {
        var outcome = await writer.AddImagesAsync(batch, cancellationToken);
        batch.Clear();
        return (added + outcome.Added, replaced + outcome.Replaced);
    }
}
