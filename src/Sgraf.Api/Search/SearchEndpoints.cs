using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Index;
using Sgraf.Api.Observability;
using Sgraf.Api.Validation;
using Sgraf.Api.Routing;

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
            .WithDescription("Scores each query against the gallery images (or the candidate ids) with SGR, SAF or SGRAF and returns the top k per query, best first. "
                + "Mode exact scores every image; mode shortlist ranks them by the bundle's shortlist head first and scores only the best `shortlist` (default 200) exactly; "
                + "mode auto (the default) shortlists when the bundle has a head and more than Sgraf:Search:ShortlistAbove images are searched. "
                + "Every score returned is the model's exact score; the response says which mode ran and how many images each query's hits were chosen from (`reranked`). "
                + "Concurrent searches are gathered in dynamic batches; a full queue answers 503 with Retry-After.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        search.MapPost("/image-to-text", ImageToText)
            .WithName("SearchImageToText")
            .WithSummary("Find the captions that best match each image")
            .WithDescription("Each query is a gallery image id or raw region features (encoded for this search, not stored). Returns the top k gallery captions per query, best first. "
                + "Modes exact, shortlist and auto as for text-to-image, counting the captions searched.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    static async Task<Ok<SearchResponse>> TextToImage(TextToImageRequest request, RequestRules rules, SearchRules search, GalleryIndex index,
        SearchDispatcher dispatcher, SearchMetrics metrics, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (rules.CheckList(request.Queries, "queries", rules.Limits.MaxQueriesPerRequest, errors))
            for (int q = 0; q < request.Queries!.Count; q++) rules.CheckText(request.Queries[q], $"queries[{q}]", errors);
        int k = rules.K(request.K, "k", errors);
        var model = search.Model(request.Model, "model", errors);
        var snapshot = index.Current;
        var candidates = rules.CandidateIds(request.CandidateIds, "candidateIds", snapshot.Images.ContainsKey, "image", errors);
        var shortlist = search.Shortlist(request.Mode, request.Shortlist, Searched(candidates, snapshot.Images.Count), errors);
        errors.ThrowIfAny();
        var job = new TextSearchJob(request.Queries!, k, model, candidates, shortlist);
        var results = await dispatcher.TextToImageAsync(job, cancellationToken);
        metrics.SearchCompleted("text-to-image", job.Mode);
        return TypedResults.Ok(new SearchResponse(model.Name(), job.Mode, shortlist, results));
    }

    static async Task<Ok<SearchResponse>> ImageToText(ImageToTextRequest request, RequestRules rules, SearchRules search, GalleryIndex index,
        SearchDispatcher dispatcher, SearchMetrics metrics, CancellationToken cancellationToken)
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
        var model = search.Model(request.Model, "model", errors);
        var candidates = rules.CandidateIds(request.CandidateIds, "candidateIds", snapshot.Captions.ContainsKey, "caption", errors);
        var shortlist = search.Shortlist(request.Mode, request.Shortlist, Searched(candidates, snapshot.Captions.Count), errors);
        errors.ThrowIfAny();
        var job = new ImageSearchJob(queries, k, model, candidates, shortlist);
        var results = await dispatcher.ImageToTextAsync(job, cancellationToken);
        metrics.SearchCompleted("image-to-text", job.Mode);
        return TypedResults.Ok(new SearchResponse(model.Name(), job.Mode, shortlist, results));
    }

    /// <summary>Items a search covers, for mode auto: its distinct candidate ids, else the gallery's items of that kind.</summary>
    static int Searched(IReadOnlyList<string>? candidateIds, int galleryItems) =>
        candidateIds?.Distinct(StringComparer.Ordinal).Count() ?? galleryItems;
}
