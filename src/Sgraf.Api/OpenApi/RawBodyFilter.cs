using Microsoft.OpenApi;
using Sgraf.Api.Routing;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sgraf.Api.OpenApi;

/// <summary>The request body of an endpoint marked <see cref="RawBody"/>: required bytes of its content type (string, format binary).</summary>
public sealed class RawBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RawBody>().FirstOrDefault() is not { } body) return;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [body.ContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
    }
}
