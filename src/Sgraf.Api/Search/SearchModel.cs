using Sgraf.Inference.Model;

namespace Sgraf.Api.Search;

/// <summary>Which score a search ranks by: one model of the bundle, or SGRAF, the mean of SGR and SAF (spec §9).</summary>
public enum SearchModel
{
    Sgr,
    Saf,
    Sgraf,
}

public static class SearchModels
{
    public static string Name(this SearchModel model) => model.ToString().ToLowerInvariant();

    /// <summary>The models a bundle can rank by: each of its models, and sgraf when it has both.</summary>
    public static IReadOnlyList<SearchModel> Available(IReadOnlyList<SimilarityModule> modules)
    {
        var models = modules.Select(m => m == SimilarityModule.SGR ? SearchModel.Sgr : SearchModel.Saf).ToList();
        if (models.Count == 2) models.Add(SearchModel.Sgraf);
        return models;
    }

    /// <summary>The default: sgraf when the bundle has both models, else its one model.</summary>
    public static SearchModel Default(IReadOnlyList<SimilarityModule> modules) => Available(modules)[^1];
}
