using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Sgraf.Api.Validation;
using Sgraf.Inference.Model;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sgraf.Api.OpenApi;

/// <summary>
/// A ready-to-send example body for each operation that takes one, so Swagger UI's "Try it out" works as is once
/// authorized: the image example carries real features of this bundle's img_dim (a placeholder there was a 400), and the
/// searches name the demo gallery's first image. A test sends every example to the service.
/// </summary>
public sealed class RequestExampleFilter(RequestRules rules) : IOperationFilter
{
    static readonly Dictionary<string, string> Examples = new()
    {
        ["SearchTextToImage"] = """{"queries":["a small red circle is left of a large blue square"],"k":5,"model":"sgraf","mode":"auto","metadataFields":["title","url"]}""",
        ["SearchImageToText"] = """{"queries":[{"id":"shapes-test-000000"}],"k":5,"model":"sgraf","mode":"auto"}""",
        ["ExplainPair"] = """{"caption":{"text":"a small red circle is left of a large blue square"},"image":{"id":"shapes-test-000000"},"model":"sgraf"}""",
        ["AddCaptions"] = """{"captions":[{"id":"my-caption-1","text":"a green triangle is above a yellow circle","metadata":{"source":"swagger"}}]}""",
    };

    readonly Lazy<string> addImages = new(() => new JsonObject
    {
        ["images"] = new JsonArray(new JsonObject
        {
            ["id"] = "my-image-1",
            ["regionsBase64"] = ExampleFeatures(rules.ImgDim),
            ["metadata"] = new JsonObject { ["title"] = "my picture", ["url"] = "https://example.com/1.jpg" },
        }),
    }.ToJsonString());

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is not { } id) return;
        string? example = id == "AddImages" ? addImages.Value : Examples.GetValueOrDefault(id);
        if (example is null || operation.RequestBody?.Content is not { } content || !content.TryGetValue("application/json", out var media)) return;
        if (media is OpenApiMediaType type) type.Example = JsonNode.Parse(example);
    }

    /// <summary>36 × img_dim little-endian float32 features, base64: non-negative like bottom-up features, the same every time.</summary>
    static string ExampleFeatures(int imgDim)
    {
        var bytes = new byte[SgrafConfig.Regions * imgDim * sizeof(float)];
        for (int i = 0; i < SgrafConfig.Regions * imgDim; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), (i * 7919 % 1000) / 250f);
        return Convert.ToBase64String(bytes);
    }
}
