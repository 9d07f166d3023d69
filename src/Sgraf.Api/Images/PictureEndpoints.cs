using System.IO.Hashing;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Pictures;
using Sgraf.Api.Routing;
using Sgraf.Api.Security;
using Sgraf.Api.Validation;
using Sgraf.Inference.Pictures;

namespace Sgraf.Api.Images;

/// <summary>
/// Pictures in the gallery: POST /images as multipart/form-data (picture files streamed in, encoded and stored a batch
/// at a time) and GET /images/{id}/picture (the copy kept of an image added as a picture). JSON uploads with a
/// <c>picture</c> member are POST /images's own (<see cref="ImageEndpoints"/>).
/// </summary>
public static class PictureEndpoints
{
    public const string MultipartType = "multipart/form-data";

    public const string Description =
        "Adds pictures from a multipart/form-data body, e.g. `curl -H 'X-Api-Key: …' -F id=beach-01 -F picture=@beach.jpg -F 'metadata={\"title\":\"Beach\"}' …/images`: "
        + "fields named picture (JPEG, PNG or WebP files), id and metadata (a JSON object). The n-th id and the n-th metadata belong to the n-th picture and come before "
        + "the next picture; without id fields, a picture's id is its file name without the extension. The body is read as it arrives: pictures are decoded as they come "
        + "and encoded and stored a batch at a time (Sgraf:Pictures:BatchSize), durable when stored, so a bad picture answers 4xx naming it (pictures[i], its part and file) "
        + "with 'imported': the images of the batches before it, which stay. Needs a bundle with a picture encoder (else 409) and X-Api-Key.";

    public static IEndpointRouteBuilder MapPictures(this IEndpointRouteBuilder app)
    {
        var images = app.MapGalleryGroup("/images", "Images");

        // The JSON endpoint of the same route takes application/json; routing picks this one for multipart bodies. Its
        // higher order leaves the JSON endpoint the one that answers a body without a Content-Type (with 415), as before.
        var limits = app.ServiceProvider.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.Limits;
        images.MapPost("/", AddPictures).RequireApiKey().WithBodyLimit(limits.MaxRequestBodyBytes, "Sgraf:Limits:MaxRequestBodyBytes")
            .Accepts<IFormFile>(MultipartType)
            .WithOrder(1)
            .WithName("AddPictures")
            .WithSummary("Add or replace images from picture files (multipart/form-data)")
            .WithDescription(Description)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        images.MapGet("/{id}/picture", GetPicture)
            .WithName("GetImagePicture")
            .WithSummary("Get the picture of an image added as a picture")
            .WithDescription("The JPEG copy kept with the image (longest side at most Sgraf:Pictures:StoredSide), from the same storage as the image, on any replica or shard. "
                + "404 when there is no such image, or when it was added as region features.")
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetPicture(string id, IGalleryCatalog catalog, HttpContext context,
        CancellationToken cancellationToken)
    {
        if (await catalog.ReadPictureAsync(id, cancellationToken) is not { } picture) return GalleryRoutes.NotFound("image", id);
        if (picture.IsEmpty)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This image has no picture",
                detail: $"Image '{id}' was added as region features, not as a picture, so no picture is kept for it.");
        // An id can be replaced by another picture: browsers ask again each time and get 304 while it is the same.
        context.Response.Headers.CacheControl = "no-cache";
        var tag = new EntityTagHeaderValue($"\"{XxHash64.HashToUInt64(picture.Span):x16}\"");
        return TypedResults.Bytes(picture, "image/jpeg", entityTag: tag);
    }

    static async Task<Results<Ok<AddImagesResponse>, JsonHttpResult<ProblemDetails>>> AddPictures(HttpContext context, RequestRules rules, IGalleryWriter writer,
        PicturePipeline pipeline, CancellationToken cancellationToken)
    {
        var boundary = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        var stored = new List<string>();
        int added = 0, replaced = 0;
        try
        {
            if (string.IsNullOrEmpty(boundary)) throw RequestValidationException.At("Content-Type", "multipart/form-data needs a boundary parameter");
            pipeline.ThrowIfNoEncoder("pictures");
            var upload = new PictureUpload(context.Request.Body, boundary, rules);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var pending = new List<(UploadedPicture Picture, Task<PreparedPicture> Prepared)>();
            while (await upload.NextAsync(cancellationToken) is { } picture)
            {
                // The pictures before this one have their ids and metadata now: a full batch can be stored.
                if (pending.Count == pipeline.Batch.Encode) (added, replaced) = await StoreAsync(pending, upload, seen, stored, added, replaced);
                // At most as many decodes in flight as the pipeline has cores: the files they hold are what the upload holds.
                while (pending.Count(p => !p.Prepared.IsCompleted) >= pipeline.Batch.Decode)
                    await Task.WhenAny(pending.Where(p => !p.Prepared.IsCompleted).Select(p => p.Prepared));
                pending.Add((picture with { File = [] }, pipeline.PrepareAsync(picture.File, cancellationToken)));
            }
            if (pending.Count > 0) (added, replaced) = await StoreAsync(pending, upload, seen, stored, added, replaced);
        }
        catch (Exception e) when (Refusal(e, added + replaced) is { } problem)
        {
            return TypedResults.Json(problem, (JsonSerializerOptions?)null, "application/problem+json", problem.Status);
        }
        return TypedResults.Ok(new AddImagesResponse(added, replaced, stored));

        async Task<(int, int)> StoreAsync(List<(UploadedPicture Picture, Task<PreparedPicture> Prepared)> batch, PictureUpload upload,
            Dictionary<string, int> seen, List<string> ids, int added, int replaced)
        {
            var refused = new List<(string, InvalidPictureException)>();
            var errors = new ValidationErrors();
            var images = new List<(string Id, System.Text.Json.Nodes.JsonObject? Metadata, string MetadataPath)>();
            foreach (var (picture, prepared) in batch)
            {
                var (id, metadata) = upload.Describe(picture);
                string where = $"pictures[{picture.Index}]";
                try
                {
                    await prepared;
                }
                catch (InvalidPictureException e)
                {
                    refused.Add((where, new InvalidPictureException(e.Problem, $"{Said(picture, id)}: {e.Message}")));
                }
                rules.CheckId(id, $"{where}.id", errors);
                if (seen.TryGetValue(id, out int first)) errors.Add($"{where}.id", $"'{id}' is the id of pictures[{first}] too; each id may appear once per upload");
                else seen[id] = picture.Index;
                rules.CheckMetadata(metadata, $"{where}.metadata", errors);
                images.Add((id, metadata, $"{where}.metadata"));
            }
            if (refused.Count > 0) throw PictureRefusedException.From(refused, "See 'errors': each names a picture and what is wrong with it.");
            errors.ThrowIfAny();
            var toAdd = await PictureImages.EncodeAsync(images, [.. batch.Select(p => p.Prepared.Result)], pipeline, rules, cancellationToken);
            var outcome = await writer.AddImagesAsync(toAdd, cancellationToken);
            ids.AddRange(outcome.Ids);
            batch.Clear();
            return (added + outcome.Added, replaced + outcome.Replaced);
        }
    }

    static string Said(UploadedPicture picture, string id) =>
        $"part {picture.Part}{(picture.FileName is null ? "" : $", file '{picture.FileName}'")}{(id.Length == 0 ? "" : $", id '{id}'")}";

    /// <summary>
    /// What an upload that stopped part way answers: the problem, with 'imported' (the images of the batches stored
    /// before it, which stay); null for an exception that is not about the request.
    /// </summary>
    static ProblemDetails? Refusal(Exception e, int imported)
    {
        string kept = imported == 0 ? "Nothing was stored." : $"The {imported} images of the batches before it were stored and stay.";
        ProblemDetails? problem = e switch
        {
            PictureRefusedException refused => new HttpValidationProblemDetails(refused.Errors) { Status = refused.Status, Title = refused.Title, Detail = $"{refused.Detail} {kept}" },
            RequestValidationException invalid => new HttpValidationProblemDetails(invalid.Errors)
            {
                Status = StatusCodes.Status400BadRequest, Title = "The upload is not valid", Detail = $"See 'errors'. {kept}",
            },
            // The body is over the write limit, ended early, or is not multipart as it says.
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "The request body could not be read", Detail = $"{bad.Message} {kept}" },
            InvalidDataException or IOException => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest, Title = "The body is not valid multipart/form-data", Detail = $"{e.Message} {kept}",
            },
            _ => null,
        };
        problem?.Extensions.Add("imported", imported);
        return problem;
    }
}
