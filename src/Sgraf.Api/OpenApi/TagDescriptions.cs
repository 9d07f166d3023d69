using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sgraf.Api.OpenApi;

/// <summary>A line for each group of operations (the endpoints' tags), which Swagger UI shows under the group's name.</summary>
public sealed class TagDescriptions : IDocumentFilter
{
    static readonly Dictionary<string, string> Descriptions = new()
    {
        ["Images"] = "The gallery's images: added as region features or pictures (encoded once, embeddings kept), imported as binary frames, read, listed, deleted.",
        ["Captions"] = "The gallery's captions: added (tokenized and encoded once), read, listed, deleted.",
        ["Search"] = "Text-to-image and image-to-text search over the gallery with SGR, SAF or SGRAF, and the explanation of one pair's score.",
        ["Operations"] = "Liveness and readiness probes for orchestrators and load balancers.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (document.Tags is null) return;
        foreach (var tag in document.Tags)
            if (tag.Name is { } name && Descriptions.TryGetValue(name, out var description)) tag.Description = description;
    }
}
