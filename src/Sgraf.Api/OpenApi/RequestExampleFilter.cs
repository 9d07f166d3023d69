using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sgraf.Api.OpenApi;

/// <summary>A ready-to-send example body for each operation that takes one, so Swagger UI's "Try it out" works as is.</summary>
public sealed class RequestExampleFilter : IOperationFilter
{
    static readonly Dictionary<string, string> Examples = new()
    {
        ["SearchTextToImage"] = """{"queries":["a small red circle is left of a large blue square"],"k":5,"model":"sgraf","mode":"auto","shortlist":100}""",
        ["SearchImageToText"] = """{"queries":[{"id":"shapes-test-000000"}],"k":5,"model":"sgraf","mode":"auto"}""",
        ["ExplainPair"] = """{"caption":{"text":"a small red circle is left of a large blue square"},"image":{"id":"shapes-test-000000"},"model":"sgraf"}""",
        ["AddCaptions"] = """{"captions":[{"id":"my-caption-1","text":"a green triangle is above a yellow circle","metadata":{"source":"swagger"}}]}""",
        ["AddImages"] = """{"images":[{"id":"my-image-1","regionsBase64":"<base64 of 36 x img_dim little-endian float32>","metadata":{"title":"my picture","url":"https://example.com/1.jpg"}}]}""",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is not { } id || !Examples.TryGetValue(id, out var example)) return;
        if (operation.RequestBody?.Content is not { } content || !content.TryGetValue("application/json", out var media)) return;
        if (media is OpenApiMediaType type) type.Example = JsonNode.Parse(example);
    }
}
