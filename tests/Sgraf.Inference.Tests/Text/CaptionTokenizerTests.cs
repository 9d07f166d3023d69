using Sgraf.Inference.Text;

namespace Sgraf.Inference.Tests.Text;

/// <summary>The whole official pipeline on single caption lines (spec §11).</summary>
public class CaptionTokenizerTests
{
    static void AssertTokens(string line, params string[] expected) =>
        Assert.Equal(expected, CaptionTokenizer.Tokenize(line));

    [Fact]
    public void Normalize_strips_only_ascii_whitespace() =>
        Assert.Equal("\u00a0a dog\u00a0", CaptionTokenizer.Normalize(" \t\u00a0a dog\u00a0\r\n\v\f"));

    [Fact]
    public void Normalize_lowercases_only_ascii_letters() =>
        Assert.Equal("a cafÉ İstanbul", CaptionTokenizer.Normalize("A CAFÉ İSTANBUL"));

    [Fact]
    public void Punkt_splits_at_an_internal_period_so_it_becomes_a_token() =>
        AssertTokens("A man. A dog", "a", "man", ".", "a", "dog");

    [Fact]
    public void An_abbreviation_keeps_its_period() =>
        AssertTokens("Dr. Smith rides a bike.", "dr.", "smith", "rides", "a", "bike", ".");

    [Fact]
    public void A_closing_quote_after_an_internal_end_follows_the_period() =>
        AssertTokens("he said \"stop.\" then left", "he", "said", "``", "stop", ".", "''", "then", "left");

    [Fact]
    public void Question_and_exclamation_marks_are_tokens() =>
        AssertTokens("Is it a dog? Yes!", "is", "it", "a", "dog", "?", "yes", "!");

    [Fact]
    public void An_empty_line_has_no_tokens_and_encodes_to_start_and_end()
    {
        AssertTokens("  \r");
        Assert.Equal([Vocabulary.StartId, Vocabulary.EndId], CaptionTokenizer.Encode("", Vocabulary.Build([])));
    }

    [Fact]
    public void Encode_wraps_ids_in_start_and_end_and_maps_unknown_words_to_unk()
    {
        var vocabulary = Vocabulary.Build(["a", "dog", "."]);
        Assert.Equal([1, 4, 3, 5, 6, 2], CaptionTokenizer.Encode("A zebra dog.", vocabulary));
    }
}
