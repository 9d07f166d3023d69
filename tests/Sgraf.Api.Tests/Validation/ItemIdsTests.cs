using Sgraf.Api.Validation;

namespace Sgraf.Api.Tests.Validation;

/// <summary>
/// The id rules every write path shares (issue 17, item 8): ids a URL path can name, without characters that make
/// different ids look alike, each refusal naming the character by code point and where it is.
/// </summary>
public sealed class ItemIdsTests
{
    [Theory]
    [InlineData("photo-0001")]
    [InlineData("shapes-test-000000")]
    [InlineData("caf\u00E9")]               // NFC: U+00E9
    [InlineData("\u00C5ngstr\u00F6m")]       // NFC: U+00C5, U+00F6
    [InlineData("\u0915\u093C\u093F\u0924\u093E\u092C")]  // U+0958 is excluded from composition: NFC keeps U+0915 U+093C
    [InlineData("x\u0301")]                 // a combining mark that composes with nothing before it is NFC
    [InlineData("emoji-\U0001F600")]         // a surrogate pair
    [InlineData("a b")]
    public void Ids_a_path_can_name_and_that_are_NFC_are_accepted(string id)
    {
        Assert.Null(ItemIds.Problem(id));
    }

    [Theory]
    [InlineData("a/b", "'/' (U+002F) at index 1")]
    [InlineData("../../etc/passwd", "'/' (U+002F) at index 2")]
    [InlineData("a\\b", "'\\' (U+005C) at index 1")]
    [InlineData("zero\u200Bwidth", "U+200B at index 4")]
    [InlineData("\uFEFFbom", "U+FEFF at index 0")]
    [InlineData("gnp.\u202Eexe", "U+202E at index 4")]
    [InlineData("tag\U000E0041", "U+E0041 at index 3")]           // a Cf character outside the BMP
    [InlineData("cafe\u0301", "U+0065 U+0301 at index 3 is U+00E9 in NFC")]
    [InlineData("\u212B", "U+212B at index 0 is U+00C5 in NFC")]   // the Angstrom sign's NFC is Å
    [InlineData("new\u0001", "control character U+0001 at index 3")]
    [InlineData("line\nbreak", "control character U+000A at index 4")]
    [InlineData(" padded", "starts or ends with whitespace")]
    [InlineData("", "is required")]
    public void Ids_with_a_character_that_breaks_a_rule_are_refused_naming_it(string id, string words)
    {
        var problem = ItemIds.Problem(id);
        Assert.NotNull(problem);
        Assert.Contains(words, problem);
    }

    [Fact]
    public void An_id_with_an_unpaired_surrogate_is_refused_naming_it()
    {
        // Built here: test data passed as attribute arguments would replace the lone surrogate.
        string id = "x" + (char)0xD800 + "y";
        Assert.Equal("contains an unpaired surrogate U+D800 at index 1; ids must be valid Unicode", ItemIds.Problem(id));
    }

    [Fact]
    public void An_id_over_256_characters_is_refused_with_its_length()
    {
        Assert.Null(ItemIds.Problem(new string('a', 256)));
        Assert.Equal("is 257 characters; ids are at most 256", ItemIds.Problem(new string('a', 257)));
    }

    [Fact]
    public void Look_alikes_that_NFC_unites_cannot_both_be_stored()
    {
        // NFD and NFC spellings of one word: only the NFC one is a valid id, so they cannot become two items.
        Assert.Null(ItemIds.Problem("caf\u00E9"));
        Assert.NotNull(ItemIds.Problem("cafe\u0301"));
    }
}
