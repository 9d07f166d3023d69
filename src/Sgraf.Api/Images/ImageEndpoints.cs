using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Pictures;
using Sgraf.Api.Security;
using Sgraf.Api.Validation;
using Sgraf.Api.Routing;

namespace Sgraf.Api.Images;

/// <summary>The image gallery: add (encoded once, embeddings cached) as JSON or imported as binary frames, get, list, delete.</summary>
public static class ImageEndpoints
{
    public static IEndpointRouteBuilder MapImages(this IEndpointRouteBuilder app)
    {
        var images = app.MapGalleryGroup("/images", "Images");
        var limits = app.ServiceProvider.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.Limits;

        images.MapPost("/", AddImages).RequireApiKey().WithBodyLimit(limits.MaxRequestBodyBytes, "Sgraf:Limits:MaxRequestBodyBytes")
            .WithName("AddImages")
            .WithSummary("Add or replace images")
            .WithDescription("Encodes each image's 36 region features once with the bundle's image encoder and keeps the region embeddings and global vector (not the raw features). "
                + "With a bundle that has a picture encoder, an image may be a picture instead ('picture': the JPEG, PNG or WebP file in base64): its features come from the picture encoder, "
                + "and a copy (longest side at most Sgraf:Pictures:StoredSide) is kept with it, served at GET /images/{id}/picture. Pictures also come as multipart/form-data: a 'picture' file part per picture, with optional 'id' and 'metadata' (JSON) parts in the same order (the id is otherwise the file name without its extension). "
                + "An existing id is replaced. Durable when answered. Needs X-Api-Key.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        images.MapPost("/import", ImageImport.ImportImages).RequireApiKey().WithBodyLimit(limits.MaxImportBytes, "Sgraf:Limits:MaxImportBytes")
            .WithName("ImportImages")
            .WithSummary("Import images streamed as binary frames")
            .WithDescription(ImageImport.Description)
            .WithRawBody(ImageImport.ContentType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        images.MapGet("/{id}", GetImage)
            .WithName("GetImage")
            .WithSummary("Get one image's metadata")
            .WithDescription("The image's id and metadata as added (for a picture, with the url of its stored copy and its grid boxes). Its features and embeddings are not returned.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        images.MapGet("/", ListImages)
            .WithName("ListImages")
            .WithSummary("List images by id, a page at a time")
            .WithDescription("Images ordered by id (ordinal), each with its metadata: `limit` of them (1 to Sgraf:Limits:MaxPageSize, 100 when left out) from `offset` (0 when left out), and the gallery's `total`.")
            .Produces<Page<ImageInfo>>()
            .ProducesValidationProblem();

        images.MapDelete("/{id}", DeleteImage).RequireApiKey()
            .WithName("DeleteImage")
            .WithSummary("Delete an image")
            .WithDescription("Durable when answered. Needs X-Api-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<Ok<AddImagesResponse>> AddImages(AddImagesRequest request, RequestRules rules, IGalleryWriter writer, PicturePipeline pipeline,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var images = new List<ImageToAdd?>();
        var pictures = new List<(int At, PictureToAdd Picture)>();
        if (rules.CheckList(request.Images, "images", rules.Limits.MaxItemsPerRequest, errors))
        {
            for (int i = 0; i < request.Images!.Count; i++)
            {
                var image = request.Images[i];
                var path = $"images[{i}]";
                images.Add(null);
                if (image is null)
                {
                    errors.Add(path, "is null");
                    continue;
                }
                rules.CheckId(image.Id, $"{path}.id", errors);
                rules.CheckMetadata(image.Metadata, $"{path}.metadata", errors);
                if (image.Picture is { } picture)
                {
                    if (image.Regions is not null || image.RegionsBase64 is not null) PictureMember.BothGiven(path, errors);
                    else if (PictureMember.Bytes(picture, $"{path}.picture", errors) is { } file && image.Id is not null)
                        pictures.Add((i, new PictureToAdd($"{path}.picture", $"{path}.metadata", image.Id, image.Metadata, file)));
                    pipeline.ThrowIfNoEncoder($"{path}.picture");
                }
                else if (rules.Features(image.Regions, image.RegionsBase64, path, errors) is { } features && image.Id is not null)
                    images[i] = new ImageToAdd(image.Id, features, image.Metadata);
            }
            rules.CheckDistinct(request.Images.Select(i => i?.Id), "images", errors);
        }
        errors.ThrowIfAny();
        if (pictures.Count > 0)
        {
            var encoded = await PictureImages.ToAddAsync([.. pictures.Select(p => p.Picture)], pipeline, rules, cancellationToken);
            for (int p = 0; p < pictures.Count; p++) images[pictures[p].At] = encoded[p];
        }
        var outcome = await writer.AddImagesAsync([.. images.Select(i => i!)], cancellationToken);
        return TypedResults.Ok(new AddImagesResponse(outcome.Added, outcome.Replaced, outcome.Ids));
    }

    static async Task<Results<Ok<ImageInfo>, ProblemHttpResult>> GetImage(string id, HttpContext context, IGalleryCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(GalleryItemKind.Image, id = GalleryRoutes.ItemId(context, id), cancellationToken) is { } item
            ? TypedResults.Ok(Info(item))
            : GalleryRoutes.NotFound("image", id);

    static Task<IResult> ListImages(IGalleryCatalog catalog, IOptions<SgrafServiceOptions> options, CancellationToken cancellationToken, int offset = 0, int limit = 100) =>
        GalleryRoutes.ListAsync(catalog, GalleryItemKind.Image, offset, limit, options.Value.Limits.MaxPageSize, Info, cancellationToken);

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteImage(string id, HttpContext context, IGalleryWriter writer, CancellationToken cancellationToken) =>
        await writer.DeleteImageAsync(id = GalleryRoutes.ItemId(context, id), cancellationToken) ? TypedResults.NoContent() : GalleryRoutes.NotFound("image", id);

    static ImageInfo Info(CatalogItem item) => new(item.Id, item.Metadata);
}
