using System.Text.Json.Serialization;

namespace Sgraf.Api.Validation;

/// <summary>
/// Request bodies are read strictly: a member the contract does not have ("candidates" for "candidateIds", "topk") or a
/// member given twice is an error, not silently ignored or overwritten, at any depth. Metadata stays free-form, but
/// may not repeat a member either. Numbers are JSON numbers: ASP.NET Core's web defaults also read "3" as 3, which the
/// contract (and a typed client) does not allow.
/// </summary>
public static class StrictRequestJson
{
    public static IServiceCollection AddStrictRequestJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.Converters.Add(new UniqueMembersJsonObjectConverter());
        });
}
