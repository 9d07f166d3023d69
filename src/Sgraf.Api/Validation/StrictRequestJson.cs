using System.Text.Json.Serialization;

namespace Sgraf.Api.Validation;

/// <summary>
/// Request bodies are read strictly: a member the contract does not have ("candidates" for "candidateIds", "topk") or a
/// member given twice is an error, not silently ignored or overwritten, at any depth. Metadata stays free-form, but
/// may not repeat a member either.
/// </summary>
public static class StrictRequestJson
{
    public static IServiceCollection AddStrictRequestJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.Converters.Add(new UniqueMembersJsonObjectConverter());
        });
}
