using System.Text.RegularExpressions;
using static Sgraf.Inference.Text.PythonText;

namespace Sgraf.Inference.Text;

/// <summary>
/// NLTK 3.8's <c>NLTKWordTokenizer.tokenize(sentence)</c> (nltk/tokenize/destructive.py, the "improved
/// Treebank" tokenizer that <c>word_tokenize</c> runs on each sentence; spec §11), with
/// <c>convert_parentheses=False</c>. A cascade of regex substitutions that pad tokens with spaces,
/// applied in NLTK's order, then a split on whitespace. Every pattern is NLTK's, with Python's
/// <c>\s</c>, <c>\w</c>, <c>\b</c> and <c>(?i)</c> spelled out through <see cref="PythonText"/> and
/// <c>\1</c>/<c>\g&lt;0&gt;</c> replacements written as <c>$1</c>/<c>$0</c>. Thread-safe.
/// </summary>
public static class TreebankWordTokenizer
{
    static readonly Rule[] StartingQuotes =
    [
        new("([«“‘„]|`+)", " $1 "),
        new("^\"", "``"),
        new("(``)", " $1 "),
        new("([ (\\[{<])(\"|'{2})", "$1 `` "),
        // An opening single quote before a one-letter word, unless that is a clitic (I'm, it's, ...).
        new($"(')(?!{IgnoreCase("re")}|{IgnoreCase("ve")}|{IgnoreCase("ll")}|{IgnoreCase("m")}|{IgnoreCase("t")}"
            + $"|{IgnoreCase("s")}|{IgnoreCase("d")}|{IgnoreCase("n")})({WordChar}){WordBoundary}", "$1 $2"),
    ];

    static readonly Rule[] Punctuation =
    [
        // The final period of the sentence, possibly followed by closing brackets and quotes.
        new($"([^.])(\\.)([\\])}}>\"'»”’ ]*){Space}*$", "$1 $2 $3 "),
        // ':' and ',' unless followed by a digit, so "3,5" and "10:30" stay whole.
        new("([:,])([^\\d])", " $1 $2"),
        new("([:,])$", " $1 "),
        new("\\.{2,}", " $0 "),
        new("[;@#$%&]", " $0 "),
        new($"([^.])(\\.)([\\])}}>\"']*){Space}*$", "$1 $2$3 "),
        new("[?!]", " $0 "),
        new("([^'])' ", "$1 ' "),
        new("[*]", " $0 "),
    ];

    static readonly Rule ParensAndBrackets = new("[\\][(){}<>]", " $0 ");

    static readonly Rule DoubleDashes = new("--", " -- ");

    static readonly Rule[] EndingQuotes =
    [
        new("([»”’])", " $1 "),
        new("''", " '' "),
        new("\"", " '' "),
        new("([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 "),
        new("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 "),
    ];

    // Robert MacIntyre's contractions (NLTK's CONTRACTIONS2 and CONTRACTIONS3; CONTRACTIONS4 is unused there too).
    static readonly Rule[] Contractions =
    [
        Contraction("can", "not"),
        Contraction("d", "'ye"),
        Contraction("gim", "me"),
        Contraction("gon", "na"),
        Contraction("got", "ta"),
        Contraction("lem", "me"),
        Contraction("more", "'n"),
        new($"{WordBoundary}({IgnoreCase("wan")})({IgnoreCase("na")})(?={Space})", " $1 $2 "),
        new($" ({IgnoreCase("'t")})({IgnoreCase("is")}){WordBoundary}", " $1 $2 "),
        new($" ({IgnoreCase("'t")})({IgnoreCase("was")}){WordBoundary}", " $1 $2 "),
    ];

    /// <summary>The tokens of one sentence (the output of <see cref="SentenceSplitter"/>).</summary>
    public static List<string> Tokenize(string sentence)
    {
        var text = sentence;
        text = Apply(StartingQuotes, text);
        text = Apply(Punctuation, text);
        text = ParensAndBrackets.Apply(text);
        text = DoubleDashes.Apply(text);
        // NLTK pads the text so that the clitic patterns, which end in a space, also match at its end.
        text = " " + text + " ";
        text = Apply(EndingQuotes, text);
        text = Apply(Contractions, text);
        return Split(text);
    }

    static string Apply(Rule[] rules, string text)
    {
        foreach (var rule in rules) text = rule.Apply(text);
        return text;
    }

    static Rule Contraction(string first, string second) =>
        new($"{WordBoundary}({IgnoreCase(first)})({IgnoreCase(second)}){WordBoundary}", " $1 $2 ");

    sealed class Rule(string pattern, string replacement)
    {
        readonly Regex regex = new(pattern, Options);

        public string Apply(string text) => regex.Replace(text, replacement);
    }
}
