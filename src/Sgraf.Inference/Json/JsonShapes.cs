using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sgraf.Inference.Json;

/// <summary>
/// What JSON a contract type reads, said in JSON's words ("an array of strings", "a whole number", "an object with members
/// id, text, metadata"), and which type sits at a JSON path below it: how errors tell a user what to send without naming
/// .NET types, which mean nothing to someone writing JSON.
/// </summary>
public static class JsonShapes
{
    /// <summary>The JSON that <paramref name="type"/> reads: "a whole number", "an array of strings".</summary>
    public static string Of(Type type, JsonSerializerOptions options) => Describe(type, options, plural: false);

    /// <summary>
    /// The type of the value at <paramref name="steps"/> below <paramref name="root"/> (members by their JSON names, array
    /// elements, dictionary values), or null when the path leaves the contract (free-form JSON, an unknown member).
    /// </summary>
    public static Type? TypeAt(Type root, IEnumerable<JsonPathText.Step> steps, JsonSerializerOptions options)
    {
        var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var type = root;
        foreach (var step in steps)
        {
            var info = options.GetTypeInfo(type);
            if (step.Index is not null && info is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element }) type = element;
            else if (step.Name is not null && info is { Kind: JsonTypeInfoKind.Dictionary, ElementType: { } value }) type = value;
            else if (step.Name is { } name && info.Kind == JsonTypeInfoKind.Object
                     && info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison)) is { } property)
                type = property.PropertyType;
            else return null;
        }
        return type;
    }

    /// <summary>The JSON names of an object's members, or null when <paramref name="type"/> is not read as an object with fixed members.</summary>
    public static IReadOnlyList<string>? Members(Type type, JsonSerializerOptions options) =>
        options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Object } info ? [.. info.Properties.Select(p => p.Name)] : null;

    static string Describe(Type type, JsonSerializerOptions options, bool plural)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        string Say(string one, string many) => plural ? many : one;

        if (type == typeof(string) || type == typeof(char)) return Say("a string", "strings");
        if (type == typeof(bool)) return Say("true or false", "true or false values");
        if (IsInteger(type)) return Say("a whole number", "whole numbers");
        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(Half)) return Say("a number", "numbers");
        if (type.IsEnum) return ReadsNames(type, options)
            ? Say("one of ", "each one of ") + string.Join(", ", Enum.GetNames(type).Select(n => $"\"{options.PropertyNamingPolicy?.ConvertName(n) ?? n}\""))
            : Say("a whole number", "whole numbers");
        if (type == typeof(JsonObject)) return Say("a JSON object", "JSON objects");
        if (type == typeof(JsonArray)) return Say("an array", "arrays");
        if (type == typeof(JsonNode) || type == typeof(JsonElement) || type == typeof(object)) return Say("any JSON value", "JSON values");

        var info = options.GetTypeInfo(type);
        return info switch
        {
            { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element } => Say("an array of ", "arrays of ") + Describe(element, options, plural: true),
            { Kind: JsonTypeInfoKind.Dictionary, ElementType: { } value } => Say("an object whose values are ", "objects whose values are ") + Describe(value, options, plural: true),
            { Kind: JsonTypeInfoKind.Object } when info.Properties.Count > 0 =>
                Say("an object with members ", "objects with members ") + string.Join(", ", info.Properties.Select(p => p.Name)),
            { Kind: JsonTypeInfoKind.Object } => Say("a JSON object", "JSON objects"),
            _ => Say("a JSON value", "JSON values"),
        };
    }

    static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte);

    /// <summary>Whether an enum is read from its names (a string enum converter on the type or in the options), not its numbers.</summary>
    static bool ReadsNames(Type enumType, JsonSerializerOptions options) =>
        enumType.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType is { } converter && IsStringEnumConverter(converter)
        || options.Converters.Any(c => IsStringEnumConverter(c.GetType()) && c.CanConvert(enumType));

    static bool IsStringEnumConverter(Type converter) =>
        converter == typeof(JsonStringEnumConverter) || converter.IsGenericType && converter.GetGenericTypeDefinition() == typeof(JsonStringEnumConverter<>);
}
