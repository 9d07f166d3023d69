using System.Text.Json;
using Sgraf.Inference.Json;

namespace Sgraf.Api.Validation;

/// <summary>
/// Finds a member name given twice in one JSON object, at any depth. Free-form JSON (metadata) is checked with this
/// because System.Text.Json's own check (AllowDuplicateProperties = false) throws ArgumentException, not JsonException,
/// for a JsonObject (dotnet/runtime#123882), and JsonDocument's check does not say where the repeat is.
/// </summary>
public static class RepeatedJsonMembers
{
    /// <summary>The first repeated member and its path below <paramref name="value"/> (<c>.a.b[2].c</c>), or null when there is none.</summary>
    public static (string Member, string Path)? Find(JsonElement value) => Find(value, "");

    static (string Member, string Path)? Find(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                // Ordinal: in free-form JSON, "Title" and "title" are two members.
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in value.EnumerateObject())
                {
                    string memberPath = path + JsonPathText.Member(member.Name);
                    if (!names.Add(member.Name)) return (member.Name, memberPath);
                    if (Find(member.Value, memberPath) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]") is { } inner) return inner;
                }
                return null;
            default:
                return null;
        }
    }
}
