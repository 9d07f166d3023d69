using Microsoft.AspNetCore.Http.HttpResults;
using Sgraf.Api.Gallery;
using Sgraf.Api.Observability;
using Sgraf.Api.Validation;
using Sgraf.Api.Routing;

namespace Sgraf.Api.Search;

/// <summary>Text-to-image and image-to-text search over the gallery, admitted by cost and batched across concurrent requests.</summary>
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
                + "Concurrent searches are gathered in dynamic batches. A search is admitted by its estimated cost (queries × images scored × caption tokens × models, and hits returned): "
                + "over Sgraf:Admission's per-request bounds it is a 400 that says how to stay under; costly searches run in a lane of their own, so cheap ones do not wait behind them; "
                + "a full lane or queue answers 503 with Retry-After.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        search.MapPost("/image-to-text", ImageToText)
            .WithName("SearchImageToText")
            .WithSummary("Find the captions that best match each image")
            .WithDescription("Each query is a gallery image id or raw region features (encoded for this search, not stored). Returns the top k gallery captions per query, best first. "
                + "Modes exact, shortlist and auto, and admission by cost, as for text-to-image, counting the captions searched.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static async Task<Ok<SearchResponse>> TextToImage(TextToImageRequest request, RequestRules rules, SearchRules search, IGalleryCatalog catalog,
        SearchedItems searchedItems, SearchAdmission admission, ISearchService searches, SearchMetrics metrics, PairExplainer words, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (rules.CheckList(request.Queries, "queries", rules.Limits.MaxQueriesPerRequest, errors))
            for (int q = 0; q < request.Queries!.Count; q++) rules.CheckText(request.Queries[q], $"queries[{q}]", errors);
        int k = rules.K(request.K, "k", errors);
        var model = search.Model(request.Model, "model", errors);
        var existing = await Existing(catalog, GalleryItemKind.Image, request.CandidateIds, rules, cancellationToken);
        var candidates = rules.CandidateIds(request.CandidateIds, "candidateIds", existing.Contains, "image", errors);
        int? counted = search.DecidesBySize(request.Mode) ? await searchedItems.CountAsync(candidates, GalleryItemKind.Image, cancellationToken) : null;
        var shortlist = search.Shortlist(request.Mode, request.Shortlist, counted ?? 0, errors);
        var metadata = HitMetadata.From(request.Metadata, request.MetadataFields, errors);
        errors.ThrowIfAny();
        int items = counted ?? await searchedItems.RecentCountAsync(candidates, GalleryItemKind.Image, cancellationToken);
        var cost = SearchCost.TextToImage(request.Queries!, items, shortlist, model, k);
        admission.Check(cost, "images", shortlist is not null, search.HasShortlistHead, errors);
        errors.ThrowIfAny();
        using var admitted = await admission.AdmitAsync(cost, cancellationToken);
        var job = new TextSearchJob(request.Queries!, k, model, candidates, shortlist) { Heavy = admitted.Lane == admission.Heavy };
        var outcome = await searches.TextToImageAsync(job, request.AllowPartial ?? false, cancellationToken);
        metrics.SearchCompleted("text-to-image", job.Mode);
        // Said with every answer, so a search for words the model never learnt is not mistaken for a confident match.
        var answer = metadata.Apply(Response(model, job.Mode, shortlist, outcome));
        return TypedResults.Ok(answer with { Results = [.. answer.Results.Select(r => r with { UnknownWords = words.UnknownWords(request.Queries![r.Query]) })] });
    }

    static async Task<Ok<SearchResponse>> ImageToText(ImageToTextRequest request, RequestRules rules, SearchRules search, IGalleryCatalog catalog,
        SearchedItems searchedItems, SearchAdmission admission, ISearchService searches, SearchMetrics metrics, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var queries = new List<ImageQueryInput>();
        if (rules.CheckList(request.Queries, "queries", rules.Limits.MaxQueriesPerRequest, errors))
        {
            var galleryIds = request.Queries!.Where(q => q?.Id is not null).Select(q => q!.Id!).ToArray();
            var existingImages = galleryIds.Length == 0 ? new HashSet<string>()
                : await catalog.ExistingAsync(GalleryItemKind.Image, galleryIds, cancellationToken);
            for (int q = 0; q < request.Queries!.Count; q++)
            {
                var query = request.Queries[q];
                var path = $"queries[{q}]";
                if (query is null) errors.Add(path, "is null");
                else if (query.Id is not null)
                {
                    if (query.Regions is not null || query.RegionsBase64 is not null) errors.Add(path, "gives both an id and region features; give one");
                    else if (!existingImages.Contains(query.Id)) errors.Add($"{path}.id", $"is '{query.Id}', which is not a gallery image");
                    else queries.Add(new ImageQueryInput(query.Id, null));
                }
                else if (rules.Features(query.Regions, query.RegionsBase64, path, errors) is { } features)
                    queries.Add(new ImageQueryInput(null, features));
            }
        }
        int k = rules.K(request.K, "k", errors);
        var model = search.Model(request.Model, "model", errors);
        var existing = await Existing(catalog, GalleryItemKind.Caption, request.CandidateIds, rules, cancellationToken);
        var candidates = rules.CandidateIds(request.CandidateIds, "candidateIds", existing.Contains, "caption", errors);
        int? counted = search.DecidesBySize(request.Mode) ? await searchedItems.CountAsync(candidates, GalleryItemKind.Caption, cancellationToken) : null;
        var shortlist = search.Shortlist(request.Mode, request.Shortlist, counted ?? 0, errors);
        var metadata = HitMetadata.From(request.Metadata, request.MetadataFields, errors);
        errors.ThrowIfAny();
        int items = counted ?? await searchedItems.RecentCountAsync(candidates, GalleryItemKind.Caption, cancellationToken);
        var cost = SearchCost.ImageToText(queries.Count, items, searchedItems.CaptionTokens(), shortlist, model, k);
        admission.Check(cost, "captions", shortlist is not null, search.HasShortlistHead, errors);
        errors.ThrowIfAny();
        using var admitted = await admission.AdmitAsync(cost, cancellationToken);
        var job = new ImageSearchJob(queries, k, model, candidates, shortlist) { Heavy = admitted.Lane == admission.Heavy };
        var outcome = await searches.ImageToTextAsync(job, request.AllowPartial ?? false, cancellationToken);
        metrics.SearchCompleted("image-to-text", job.Mode);
        return TypedResults.Ok(metadata.Apply(Response(model, job.Mode, shortlist, outcome)));
    }

    /// <summary>Which of a request's candidate ids are in the gallery, asked once for them all (none asked when there are too many: that is refused anyway).</summary>
    static async Task<IReadOnlySet<string>> Existing(IGalleryCatalog catalog, GalleryItemKind kind, IReadOnlyList<string>? candidateIds,
        RequestRules rules, CancellationToken cancellationToken) =>
        candidateIds is null || candidateIds.Count > rules.Limits.MaxCandidateIds ? new HashSet<string>()
            : await catalog.ExistingAsync(kind, [.. candidateIds.Where(id => id is not null).Distinct(StringComparer.Ordinal)], cancellationToken);

    static SearchResponse Response(SearchModel model, string mode, int? shortlist, SearchOutcome outcome) =>
        new(model.Name(), mode, shortlist, outcome.Results, outcome.MissingShards is null ? null : outcome.MissingShards.Count > 0, outcome.MissingShards is { Count: > 0 } missing ? missing : null);
}
