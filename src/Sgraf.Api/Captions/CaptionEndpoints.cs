using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sgraf.Api.Configuration;
using Sgraf.Api.Gallery;
using Sgraf.Api.Security;
using Sgraf.Api.Validation;
using Sgraf.Api.Routing;

namespace Sgraf.Api.Captions;

/// <summary>The caption gallery: add (encoded once, word embeddings cached), get, list, delete.</summary>
public static class CaptionEndpoints
{
    public static IEndpointRouteBuilder MapCaptions(this IEndpointRouteBuilder app)
    {
        var captions = app.MapGalleryGroup("/captions", "Captions");
        var limits = app.ServiceProvider.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.Limits;

        captions.MapPost("/", AddCaptions).RequireApiKey().WithBodyLimit(limits.MaxRequestBodyBytes, "Sgraf:Limits:MaxRequestBodyBytes")
            .WithName("AddCaptions")
            .WithSummary("Add or replace captions")
            .WithDescription("Tokenizes each caption as the official loader does, encodes it once with the bundle's text encoder and keeps the word embeddings and global vector. An existing id is replaced. Durable when answered. Needs X-Api-Key.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        captions.MapGet("/{id}", GetCaption)
            .WithName("GetCaption")
            .WithSummary("Get one caption")
            .WithDescription("The caption's id, text and metadata as added. Its word embeddings are not returned.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        captions.MapGet("/", ListCaptions)
            .WithName("ListCaptions")
            .WithSummary("List captions by id, a page at a time")
            .WithDescription("Captions ordered by id (ordinal), each with its text and metadata: `limit` of them (1 to Sgraf:Limits:MaxPageSize, 100 when left out) from `offset` (0 when left out), and the gallery's `total`.")
            .Produces<Page<CaptionInfo>>()
            .ProducesValidationProblem();

        captions.MapDelete("/{id}", DeleteCaption).RequireApiKey()
            .WithName("DeleteCaption")
            .WithSummary("Delete a caption")
            .WithDescription("Durable when answered. Needs X-Api-Key.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<Ok<AddCaptionsResponse>> AddCaptions(AddCaptionsRequest request, RequestRules rules, IGalleryWriter writer, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var valid = new List<(string, string, JsonObject?)>();
        if (rules.CheckList(request.Captions, "captions", rules.Limits.MaxItemsPerRequest, errors))
        {
            for (int i = 0; i < request.Captions!.Count; i++)
            {
                var caption = request.Captions[i];
                var path = $"captions[{i}]";
                if (caption is null)
                {
                    errors.Add(path, "is null");
                    continue;
                }
                rules.CheckId(caption.Id, $"{path}.id", errors);
                rules.CheckText(caption.Text, $"{path}.text", errors);
                rules.CheckMetadata(caption.Metadata, $"{path}.metadata", errors);
                if (caption.Id is not null && caption.Text is not null) valid.Add((caption.Id, caption.Text, caption.Metadata));
            }
            rules.CheckDistinct(request.Captions.Select(c => c?.Id), "captions", errors);
        }
        errors.ThrowIfAny();
        var outcome = await writer.AddCaptionsAsync(valid, cancellationToken);
        return TypedResults.Ok(new AddCaptionsResponse(outcome.Added, outcome.Replaced, outcome.Ids));
    }

    static async Task<Results<Ok<CaptionInfo>, ProblemHttpResult>> GetCaption(string id, HttpContext context, IGalleryCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(GalleryItemKind.Caption, id = GalleryRoutes.ItemId(context, id), cancellationToken) is { } item
            ? TypedResults.Ok(Info(item))
            : GalleryRoutes.NotFound("caption", id);

    static Task<IResult> ListCaptions(IGalleryCatalog catalog, IOptions<SgrafServiceOptions> options, CancellationToken cancellationToken, int offset = 0, int limit = 100) =>
        GalleryRoutes.ListAsync(catalog, GalleryItemKind.Caption, offset, limit, options.Value.Limits.MaxPageSize, Info, cancellationToken);

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteCaption(string id, HttpContext context, IGalleryWriter writer, CancellationToken cancellationToken) =>
        await writer.DeleteCaptionAsync(id = GalleryRoutes.ItemId(context, id), cancellationToken) ? TypedResults.NoContent() : GalleryRoutes.NotFound("caption", id);

    static CaptionInfo Info(CatalogItem item) => new(item.Id, item.Text ?? "", item.Metadata);
}
