using Sgraf.Inference.Text;

namespace Sgraf.Inference.Tests.Text;

/// <summary>Punkt's sentence split on lowercased captions, case by case of punkt.py's decisions.</summary>
public class SentenceSplitterTests
{
    static void AssertSentences(string text, params string[] expected) =>
        Assert.Equal(expected, SentenceSplitter.Split(text));

    [Fact]
    public void A_period_before_another_word_ends_a_sentence() =>
        AssertSentences("a man. a dog", "a man.", "a dog");

    [Fact]
    public void Question_and_exclamation_marks_end_sentences() =>
        AssertSentences("is it? yes! no", "is it?", "yes!", "no");

    [Fact]
    public void A_run_of_marks_ends_one_sentence() =>
        AssertSentences("wow!!! a dog", "wow!!!", "a dog");

    [Fact]
    public void A_known_abbreviation_does_not_end_a_sentence() =>
        AssertSentences("dr. smith and mrs. jones on main st. today", "dr. smith and mrs. jones on main st. today");

    [Fact]
    public void An_abbreviation_after_a_hyphen_does_not_end_a_sentence() =>
        AssertSentences("the ex-prof. smith", "the ex-prof. smith");

    [Fact]
    public void An_initial_before_a_lowercase_word_does_not_end_a_sentence() =>
        AssertSentences("a photo by j. smith", "a photo by j. smith");

    [Fact]
    public void A_number_before_a_lowercase_word_does_not_end_a_sentence() =>
        AssertSentences("there are 2. dogs", "there are 2. dogs");

    [Fact]
    public void A_number_before_a_digit_still_ends_a_sentence() =>
        AssertSentences("chapter 2. 3 dogs", "chapter 2.", "3 dogs");

    [Fact]
    public void An_ellipsis_does_not_end_a_sentence() =>
        AssertSentences("the dog is running... a cat", "the dog is running... a cat");

    [Fact]
    public void A_period_with_nothing_after_it_is_not_a_candidate() =>
        AssertSentences("a man on a bike.  ", "a man on a bike.");

    [Fact]
    public void A_closing_quote_after_the_end_stays_with_its_sentence() =>
        AssertSentences("he said \"stop.\" then left", "he said \"stop.\"", "then left");

    [Fact]
    public void A_closing_bracket_after_the_end_stays_with_its_sentence() =>
        AssertSentences("(a dog.) a cat", "(a dog.)", "a cat");

    [Fact]
    public void An_empty_text_has_no_sentences() =>
        AssertSentences("");
}
