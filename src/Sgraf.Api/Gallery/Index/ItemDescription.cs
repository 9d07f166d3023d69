using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sgraf.Api.Gallery.Index;

/// <summary>
/// What a gallery record says about its item besides the embeddings, kept as JSON in the record's metadata field:
/// the caller's metadata object and, for captions, the text.
/// </summary>
public sealed record ItemDescription(string? Text, JsonObject? Metadata)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ItemDescription FromJson(string json, string id) =>
        string.IsNullOrEmpty(json)
            ? new ItemDescription(null, null)
            : JsonSerializer.Deserialize<ItemDescription>(json, Json) ?? throw new InvalidDataException($"item '{id}' has null metadata");
}
