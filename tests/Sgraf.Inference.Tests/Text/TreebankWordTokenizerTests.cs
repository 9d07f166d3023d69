using Sgraf.Inference.Text;

namespace Sgraf.Inference.Tests.Text;

/// <summary>
/// One case per rule of NLTK 3.8's NLTKWordTokenizer, named after the rule list it exercises; expectations
/// follow from reading the regexes (and NLTK's own doctests where they cover the case).
/// </summary>
public class TreebankWordTokenizerTests
{
    static void AssertTokens(string sentence, params string[] expected) =>
        Assert.Equal(expected, TreebankWordTokenizer.Tokenize(sentence));

    [Fact]
    public void StartingQuotes_a_leading_double_quote_opens_and_a_later_one_closes() =>
        AssertTokens("\"hello\"", "``", "hello", "''");

    [Fact]
    public void StartingQuotes_a_double_quote_after_a_space_or_bracket_opens() =>
        AssertTokens("a \"red\" (\"big\") ball", "a", "``", "red", "''", "(", "``", "big", "''", ")", "ball");

    [Fact]
    public void StartingQuotes_two_single_quotes_after_a_space_open_and_EndingQuotes_two_close() =>
        AssertTokens("he said ''hi''", "he", "said", "``", "hi", "''");

    [Fact]
    public void StartingQuotes_backticks_and_typographic_opening_quotes_are_padded() =>
        AssertTokens("`a` “b” ‘c’ „d« »e", "`", "a", "`", "“", "b", "”", "‘", "c", "’", "„", "d", "«", "»", "e");

    [Fact]
    public void StartingQuotes_a_single_quote_before_a_one_letter_word_is_split_unless_a_clitic() =>
        AssertTokens("'a dog' 'm", "'", "a", "dog", "'", "'m");

    [Fact]
    public void StartingQuotes_a_single_quote_before_a_longer_word_stays_on_it_in_nltk_3_8() =>
        AssertTokens("'cat' on", "'cat", "'", "on");

    [Fact]
    public void Punctuation_the_final_period_is_split_with_closing_quotes_after_it() =>
        AssertTokens("in the park.\"", "in", "the", "park", ".", "''");

    [Fact]
    public void Punctuation_a_period_inside_the_sentence_stays_on_its_word() =>
        AssertTokens("a man. a dog", "a", "man.", "a", "dog");

    [Fact]
    public void Punctuation_a_period_inside_a_number_stays() =>
        AssertTokens("a red 3.5 ball", "a", "red", "3.5", "ball");

    [Fact]
    public void Punctuation_comma_and_colon_split_unless_a_digit_follows() =>
        AssertTokens("3,5 a,b 10:30 red: c,", "3,5", "a", ",", "b", "10:30", "red", ":", "c", ",");

    [Fact]
    public void Punctuation_runs_of_dots_are_one_token() =>
        AssertTokens("wait... now..then", "wait", "...", "now", "..", "then");

    [Fact]
    public void Punctuation_symbols_are_split() =>
        AssertTokens("$5 a;b @c #1 50% r&b a*b", "$", "5", "a", ";", "b", "@", "c", "#", "1", "50", "%", "r", "&", "b", "a", "*", "b");

    [Fact]
    public void Punctuation_question_and_exclamation_marks_are_split_everywhere() =>
        AssertTokens("what?!really", "what", "?", "!", "really");

    [Fact]
    public void Punctuation_a_closing_single_quote_after_a_word_is_split() =>
        AssertTokens("the dogs' ball", "the", "dogs", "'", "ball");

    [Fact]
    public void ParensBrackets_are_split() =>
        AssertTokens("a(b)[c]{d}<e>", "a", "(", "b", ")", "[", "c", "]", "{", "d", "}", "<", "e", ">");

    [Fact]
    public void DoubleDashes_are_split_but_hyphens_stay() =>
        AssertTokens("fast--slow t-shirt", "fast", "--", "slow", "t-shirt");

    [Fact]
    public void EndingQuotes_clitics_are_split() =>
        AssertTokens("i'm they'll we're you've he'd it's doesn't can't",
            "i", "'m", "they", "'ll", "we", "'re", "you", "'ve", "he", "'d", "it", "'s", "does", "n't", "ca", "n't");

    [Fact]
    public void EndingQuotes_clitics_in_capitals_are_split() =>
        AssertTokens("IT'S DON'T WE'LL", "IT", "'S", "DO", "N'T", "WE", "'LL");

    [Fact]
    public void Contractions2_macintyre_words_are_split() =>
        AssertTokens("cannot gonna gimme gotta lemme wanna go more'n d'ye",
            "can", "not", "gon", "na", "gim", "me", "got", "ta", "lem", "me", "wan", "na", "go", "more", "'n", "d", "'ye");

    [Fact]
    public void Contractions2_are_case_insensitive_and_whole_words_only() =>
        AssertTokens("CanNot cannoted", "Can", "Not", "cannoted");

    [Fact]
    public void Contractions2_wanna_splits_only_before_whitespace() =>
        AssertTokens("wanna. wannabe", "wanna.", "wannabe");

    [Fact]
    public void Contractions3_tis_and_twas_are_split() =>
        AssertTokens("'tis 'twas", "'t", "is", "'t", "was");

    [Fact]
    public void Whitespace_of_any_kind_separates_tokens() =>
        AssertTokens("a\tman \u00a0 with\u2003ball", "a", "man", "with", "ball");
}
