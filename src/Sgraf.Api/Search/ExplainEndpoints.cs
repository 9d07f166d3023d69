using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Pictures;
using Sgraf.Api.Validation;
using Sgraf.Inference.Runtime;
using Sgraf.Api.Routing;

namespace Sgraf.Api.Search;

/// <summary>POST /search/explain: why the model gave one image–caption pair its score.</summary>
public static class ExplainEndpoints
{
    public static IEndpointRouteBuilder MapExplain(this IEndpointRouteBuilder app)
    {
        app.MapGalleryGroup("/search", "Search").MapPost("/explain", Explain).WithPictureSearchBodyLimit(app.ServiceProvider)
            .WithName("ExplainPair")
            .WithSummary("Explain one image–caption pair's score")
            .WithDescription("Scores the pair (a gallery image id, region features or a picture; a gallery caption id or a sentence) with SGR, SAF or SGRAF — the score a search gives it — "
                + "and returns the weights the model computed it with: for every word, its attention over the 36 regions (highest first); "
                + "for SGR, the last reasoning step's edge weights from the global node to itself and to every word; for SAF, the filtration weight of the global similarity and of every word's. "
                + "sgraf returns both models' explanations. A bundle exported before format version 3 cannot explain (409).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    static async Task<Results<Ok<ExplainResponse>, ValidationProblem, ProblemHttpResult>> Explain(ExplainRequest request, RequestRules rules,
        IGalleryCatalog catalog, EmbeddingCodec codec, QueryEmbeddingCache queryCache, SgrafRuntime runtime, PairExplainer explainer, SearchRules search,
        PicturePipeline pictures, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var caption = request.Caption;
        if (caption is null) errors.Add("caption", "is missing; give {\"id\": a gallery caption id} or {\"text\": a sentence}");
        else if ((caption.Id is null) == (caption.Text is null)) errors.Add("caption", "needs exactly one of 'id' (a gallery caption) or 'text' (a sentence)");
        else if (caption.Text is not null) rules.CheckText(caption.Text, "caption.text", errors);
        var image = request.Image;
        float[]? features = null;
        byte[]? picture = null;
        if (image is null) errors.Add("image", "is missing; give {\"id\": a gallery image id}, region features ('regions' or 'regionsBase64') or a 'picture'");
        else if (image.Id is not null)
        {
            if (image.Regions is not null || image.RegionsBase64 is not null || image.Picture is not null)
                errors.Add("image", "gives both an id and region features or a picture; give one");
        }
        else if (image.Picture is { } given)
        {
            if (image.Regions is not null || image.RegionsBase64 is not null) PictureMember.BothGiven("image", errors);
            else picture = PictureMember.Bytes(given, "image.picture", errors);
            pictures.ThrowIfNoEncoder("image.picture");
        }
        else features = rules.Features(image.Regions, image.RegionsBase64, "image", errors);
        var model = search.Model(request.Model, "model", errors);
        if (errors.Any)
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is not valid",
                detail: "See 'errors': each JSON path names what is wrong there.");

        var missing = new ValidationErrors();
        var storedImage = image!.Id is { } imageId ? await catalog.ReadImageAsync(imageId, cancellationToken) : null;
        if (image.Id is not null && storedImage is null) missing.Add("image.id", $"is '{image.Id}', which is not a gallery image");
        var storedCaption = caption!.Id is { } captionId ? await catalog.ReadCaptionAsync(captionId, cancellationToken) : null;
        if (caption.Id is not null && storedCaption is null) missing.Add("caption.id", $"is '{caption.Id}', which is not a gallery caption");
        if (missing.Any) return NotFound(missing);
        if (!explainer.CanExplain) return CannotExplain(explainer.FormatVersion);
        if (picture is not null) features = (await PictureQueries.FeaturesAsync([("image.picture", picture)], pictures, cancellationToken))[0];

        var (images, imageInfo) = storedImage is var (stored, info)
            ? (EmbeddingPacking.Images([stored], codec), new ExplainedImage(image.Id, info.Metadata))
            : (runtime.EncodeImages(features!, 1), new ExplainedImage(null, picture is null ? null : PictureMetadata.GridBoxes(pictures.InputSize, pictures.InputSize, pictures.Grid)));
        // A sentence goes through the search's query cache, so it is encoded exactly as a search with it encodes it.
        var (encoded, text) = caption.Text is { } sentence
            ? (queryCache.Encode([sentence])[sentence], sentence)
            : (storedCaption!.Value.Caption, storedCaption.Value.Info.Text ?? "");
        var words = explainer.Words(text);
        var (score, explanations) = explainer.Explain(images, EmbeddingPacking.Captions([encoded], codec), words, model);
        return TypedResults.Ok(new ExplainResponse(model.Name(), score, imageInfo, new ExplainedCaption(caption.Id, text, words, explainer.UnknownWords(text)), explanations));
    }

    /// <summary>404 naming every id that is not in the gallery, by its JSON path.</summary>
    static ProblemHttpResult NotFound(ValidationErrors missing)
    {
        var errors = missing.ToDictionary();
        return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
            title: errors.Count == 1 ? "No such gallery item" : "No such gallery items",
            detail: string.Join(" ", errors.Select(e => $"{e.Key} {e.Value[0]}.")),
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
    }

    /// <summary>
    /// 409, not 501: the service implements explanations, but the bundle it serves conflicts with them, and re-exporting
    /// the bundle resolves it (501 is also cacheable by default, so a proxy could keep answering it after the fix).
    /// </summary>
    static ProblemHttpResult CannotExplain(int formatVersion) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This bundle cannot explain scores",
            detail: $"The service's bundle is format version {formatVersion}; its similarity graphs do not output the weights that explain a score "
                + $"(format version {BundleManifest.ExplanationFormatVersion} and later do). Searches work as before. Export the bundle again with "
                + "`sgraf export-onnx` (and `sgraf add-shortlist` for its shortlist head) and restart the service with it.");
}
