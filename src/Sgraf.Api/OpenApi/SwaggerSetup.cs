using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Sgraf.Api.Configuration;
using Sgraf.Api.Security;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sgraf.Api.OpenApi;

/// <summary>The OpenAPI description (from endpoint summaries and XML comments) and Swagger UI at /swagger (Sgraf:Swagger).</summary>
public static class SwaggerSetup
{
    public const string ApiKeyScheme = "ApiKey";

    public static IServiceCollection AddSgrafSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Sgraf",
                Version = "v1",
                Description = "SGRAF image-text retrieval: a gallery of images and captions with cached embeddings, searched in both directions with SGR, SAF or SGRAF.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
            if (File.Exists(xml)) options.IncludeXmlComments(xml);
            options.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeys.Header,
                Description = "One of the keys in Sgraf:ApiKeys; needed for adds and deletes.",
            });
            // Metadata is free-form JSON: described as what it is, not as System.Text.Json's node classes (whose
            // properties made linters reject every metadata example: "title property type must be object"). Members of
            // any value said outright (additionalProperties: {}), so generated clients hold it as a dictionary.
            options.MapType<JsonObject>(() => new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema() });
            options.MapType<JsonNode>(() => new OpenApiSchema());
            // POST /images is two endpoints, JSON and multipart/form-data (chosen by content type), and OpenAPI has one
            // operation per method and path: the document describes the JSON one, whose summary names the multipart form.
            options.ResolveConflictingActions(actions =>
                actions.FirstOrDefault(a => a.SupportedRequestFormats.Any(f => f.MediaType == "application/json")) ?? actions.First());
            options.OperationFilter<ApiKeyOperationFilter>();
            options.OperationFilter<RequestExampleFilter>();
            options.OperationFilter<RawBodyFilter>();
            options.DocumentFilter<TagDescriptions>();
        });
        return services;
    }

    /// <summary>
    /// The OpenAPI document and Swagger UI at /swagger, when Sgraf:Swagger says so: by default in Development only, so a
    /// production service does not hand outsiders a map of its API unless its operator chooses to.
    /// </summary>
    public static WebApplication UseSgrafSwagger(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<SgrafServiceOptions>>().Value.SwaggerShown(app.Environment)) return app;
        // The document names the address it was fetched from, so a client generated from it (Kiota, NSwag) calls this service.
        app.UseSwagger(swagger => swagger.PreSerializeFilters.Add((document, request) =>
            document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host.Value}{request.PathBase}" }]));
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/swagger/v1/swagger.json", "Sgraf v1");
            ui.DocumentTitle = "Sgraf API";
        });
        return app;
    }
}

/// <summary>
/// Marks operations that need X-Api-Key with the ApiKey security requirement, and the open ones with none
/// (<c>security: []</c>), so a reader of the document (or a linter) need not guess which is which.
/// </summary>
public sealed class ApiKeyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Security ??= [];
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequiredMetadata>().Any()) return;
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SwaggerSetup.ApiKeyScheme, context.Document)] = [],
        });
    }
}
