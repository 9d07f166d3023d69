using System.Text.Json;
using Sgraf.Inference.Json;
using Sgraf.Inference.Model;

namespace Sgraf.Inference.Tests.Json;

/// <summary>
/// A JSON file or body that does not fit its contract is said in JSON's words, at its JSON path: never the .NET type that
/// could not be made (a config.json error used to name Sgraf.Inference.Model.SgrafConfig, a list System.Collections…).
/// </summary>
public sealed class JsonReadErrorTests
{
    static readonly JsonSerializerOptions Options = new();

    public static TheoryData<string, string> WrongJson() => new()
    {
        { """{"module_name":"SGR","vocab_size":10,"img_dim":"2048","word_dim":3,"embed_size":4,"sim_dim":5}""", "$.img_dim: must be a whole number from -2147483648 to 2147483647" },
        { """{"module_name":"VSE","vocab_size":10,"img_dim":1,"word_dim":3,"embed_size":4,"sim_dim":5}""", "$.module_name: must be one of \"SGR\", \"SAF\"" },
        { """{"module_name":"SGR","vocab_size":10,"img_dim":1,"word_dim":3,"embed_size":4,"sim_dim":5,"bi_gru":"yes"}""", "$.bi_gru: must be true or false" },
        { """{"module_name":"SGR","vocab_size":10}""", "lacks required members img_dim, word_dim, embed_size, sim_dim" },
        { """[1, 2]""", "$: must be an object with members module_name, vocab_size, img_dim" },
    };

    [Theory]
    [MemberData(nameof(WrongJson))]
    public void Json_that_does_not_fit_says_where_and_what_it_should_be(string json, string expected)
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<SgrafConfig>(json, Options));
        var error = JsonReadError.From(exception, typeof(SgrafConfig), Options);
        Assert.False(error.IsSyntax);
        Assert.Contains(expected, error.ToString());
        Assert.DoesNotContain("System.", error.ToString());
        Assert.DoesNotContain("Sgraf.", error.ToString());
    }

    [Fact]
    public void Text_that_is_not_json_keeps_the_readers_words_with_a_one_based_place()
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<SgrafConfig>("{\"img_dim\": 3,,}", Options));
        var error = JsonReadError.From(exception, typeof(SgrafConfig), Options);
        Assert.True(error.IsSyntax);
        Assert.StartsWith("malformed JSON: ", error.ToString());
        Assert.Contains("(line 1, byte 15)", error.ToString());
        Assert.DoesNotContain("Path:", error.ToString());
    }

    [Theory]
    [InlineData(typeof(IReadOnlyList<string>), "an array of strings")]
    [InlineData(typeof(IReadOnlyDictionary<string, float[]>), "an object whose values are arrays of numbers")]
    [InlineData(typeof(long?), "a whole number")]
    public void Shapes_are_said_in_jsons_words(Type type, string expected) =>
        Assert.Equal(expected, JsonShapes.Of(type, Options));
}
