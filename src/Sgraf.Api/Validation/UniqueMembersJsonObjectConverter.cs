using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Sgraf.Api.Validation;

/// <summary>
/// Reads a JsonObject (request metadata) and rejects one that gives a member twice, at any depth, with a
/// <see cref="RepeatedJsonMemberException"/>: the built-in converter keeps both (the default) or throws an
/// ArgumentException (with AllowDuplicateProperties = false, dotnet/runtime#123882), which would answer 500.
/// </summary>
public sealed class UniqueMembersJsonObjectConverter : JsonConverter<JsonObject>
{
    public override JsonObject Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // An empty JsonException gets System.Text.Json's own "could not be converted" message with the path.
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
        var value = JsonElement.ParseValue(ref reader);
        if (RepeatedJsonMembers.Find(value) is { } repeat) throw new RepeatedJsonMemberException(repeat.Member, repeat.Path);
        // Case-sensitive names, as ImageFrameReader reads them: in metadata "Title" and "title" are two members.
        return JsonObject.Create(value)!;
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => value.WriteTo(writer, options);
}
