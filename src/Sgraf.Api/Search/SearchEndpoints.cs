using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Search;

/// <summary>Text-to-image and image-to-text search over the gallery, batched across concurrent requests.</summary>
public static class SearchEndpoints
{
    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        var search = app.MapGalleryGroup("/search", "Search");

        search.MapPost("/text-to-image", TextToImage)
            .WithName("SearchTextToImage")
            .WithSummary("Find the images that best match each sentence")
            .WithDescription("Scores every query against every gallery image (or the candidate ids) with SGR, SAF or SGRAF and returns the top k per query, best first. Concurrent searches are scored together in dynamic batches; a full queue answers 503 with Retry-After.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        search.MapPost("/image-to-text", ImageToText)
            .WithName("SearchImageToText")
            .WithSummary("Find the captions that best match each image")
            .WithDescription("Each query is a gallery image id or raw region features (encoded for this search, not stored). Returns the top k gallery captions per query, best first.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    static async Task<Ok<SearchResponse>> TextToImage(TextToImageRequest request, RequestRules rules, GalleryIndex index,
        SearchDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (rules.CheckList(request.Queries, "queries", rules.Limits.MaxQueriesPerRequest, errors))
            for (int q = 0; q < request.Queries!.Count; q++) rules.CheckText(request.Queries[q], $"queries[{q}]", errors);
        int k = rules.K(request.K, "k", errors);
        var model = rules.Model(request.Model, "model", errors);
        var snapshot = index.Current;
        var candidates = rules.CandidateIds(request.CandidateIds, "candidateIds", snapshot.Images.ContainsKey, "image", errors);
        errors.ThrowIfAny();
        var results = await dispatcher.TextToImageAsync(new TextSearchJob(request.Queries!, k, model, candidates), cancellationToken);
        return TypedResults.Ok(new SearchResponse(model.Name(), results));
    }

    static async Task<Ok<SearchResponse>> ImageToText(ImageToTextRequest request, RequestRules rules, GalleryIndex index,
        SearchDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var snapshot = index.Current;
        var queries = new List<ImageQueryInput>();
        if (rules.CheckList(request.Queries, "queries", rules.Limits.MaxQueriesPerRequest, errors))
        {
            for (int q = 0; q < request.Queries!.Count; q++)
            {
                var query = request.Queries[q];
                var path = $"queries[{q}]";
                if (query is null) errors.Add(path, "is null");
                else if (query.Id is not null)
                {
                    if (query.Regions is not null || query.RegionsBase64 is not null) errors.Add(path, "gives both an id and region features; give one");
                    else if (!snapshot.Images.ContainsKey(query.Id)) errors.Add($"{path}.id", $"is '{query.Id}', which is not a gallery image");
                    else queries.Add(new ImageQueryInput(query.Id, null));
                }
                else if (rules.Features(query.Regions, query.RegionsBase64, path, errors) is { } features)
                    queries.Add(new ImageQueryInput(null, features));
            }
        }
        int k = rules.K(request.K, "k", errors);
        var model = rules.Model(request.Model, "model", errors);
        var candidates = rules.CandidateIds(request.CandidateIds, "candidateIds", snapshot.Captions.ContainsKey, "caption", errors);
        errors.ThrowIfAny();
        var results = await dispatcher.ImageToTextAsync(new ImageSearchJob(queries, k, model, candidates), cancellationToken);
        return TypedResults.Ok(new SearchResponse(model.Name(), results));
    }
}
