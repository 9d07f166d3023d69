using System.Text.Json.Nodes;
using Sgraf.Api.Validation;

namespace Sgraf.Api.Search;

/// <summary>
/// Which of each hit's metadata a search returns: all of it (the default), none (<c>"metadata": false</c>) or only the
/// members named (<c>"metadataFields": ["title"]</c>). An item's metadata can be large (the demo's 36 region boxes are
/// ~1.5 KB a hit), and a caller showing a list of titles should not have to download them.
/// </summary>
/// <param name="Include">False: no metadata.</param>
/// <param name="Fields">Only these top-level members (those an item has); null: every member.</param>
public sealed record HitMetadata(bool Include, IReadOnlyList<string>? Fields)
{
    public static readonly HitMetadata All = new(true, null);

    /// <summary>The choice a request's <c>metadata</c> and <c>metadataFields</c> make, or errors saying why it is not one.</summary>
    public static HitMetadata From(bool? metadata, IReadOnlyList<string>? fields, ValidationErrors errors)
    {
        if (fields is null) return metadata == false ? new(false, null) : All;
        if (metadata == false) errors.Add("metadataFields", "picks members of the metadata that \"metadata\": false leaves out; give one of the two");
        for (int i = 0; i < fields.Count; i++)
            if (string.IsNullOrEmpty(fields[i])) errors.Add($"metadataFields[{i}]", "is empty or null; name a member of the items' metadata");
        return new(true, [.. fields.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>The response with each hit's metadata cut to this choice (copies: the catalog's objects are shared).</summary>
    public SearchResponse Apply(SearchResponse response) => this == All ? response
        : response with { Results = [.. response.Results.Select(r => r with { Hits = [.. r.Hits.Select(h => h with { Metadata = Pick(h.Metadata) })] })] };

    JsonObject? Pick(JsonObject? metadata)
    {
        if (!Include || metadata is null) return null;
        var picked = new JsonObject();
        foreach (var field in Fields!)
            if (metadata.TryGetPropertyValue(field, out var value)) picked[field] = value?.DeepClone();
        return picked;
    }
}
