using System.Text.RegularExpressions;
using static Sgraf.Inference.Text.PythonText;

namespace Sgraf.Inference.Text;

/// <summary>
/// The sentence split that <c>nltk.word_tokenize</c> does first: NLTK 3.8's
/// <c>PunktSentenceTokenizer.tokenize(text)</c> with the pretrained English model (spec §11). It matters for
/// captions because the word tokenizer splits off only the period that ends a sentence: "a man. a dog" gives
/// "man ." only once Punkt has ended a sentence there.
/// <para>
/// Candidate ends, their contexts, the slicing and the realignment of closing quotes and brackets are ported
/// exactly. Whether a candidate is an end is <see cref="SentenceBreakClassifier"/>'s call, which approximates the
/// English model for lowercased text (its remarks say how). Thread-safe.
/// </para>
/// </summary>
public static class SentenceSplitter
{
    // Punkt's period_context_re: '.', '?' or '!' followed by other punctuation or by whitespace and a token.
    static readonly Regex CandidateEnd = new(
        $"[.?!](?=(?<after>{SentenceBreakClassifier.NonWordChar}|{Space}+(?<next>{NonSpace}+)))", Options);

    // Punkt's re_boundary_realignment: closing quotes and brackets right after an end belong to its sentence.
    static readonly Regex ClosingPunctuation = new(
        $@"\A[""')\]}}]+?(?:{Space}+|(?=--)|$)", Options | RegexOptions.Multiline);

    /// <summary>The sentences of <paramref name="text"/>, without the whitespace between them.</summary>
    public static List<string> Split(string text)
    {
        var sentences = new List<string>();
        foreach (var (start, end) in RealignBoundaries(text, Slices(text)))
            sentences.Add(Slice(text, start, end));
        return sentences;
    }

    // _slices_from_text: a sentence ends after each candidate Punkt accepts; the next starts at the following
    // token, and the last one runs to the end of the text less trailing whitespace.
    static List<(int Start, int End)> Slices(string text)
    {
        var slices = new List<(int Start, int End)>();
        var lastBreak = 0;
        foreach (var (candidate, context) in CandidatesWithContext(text))
        {
            if (!SentenceBreakClassifier.ContainsSentenceBreak(context)) continue;
            var end = candidate.Index + candidate.Length;
            slices.Add((lastBreak, end));
            var next = candidate.Groups["next"];
            lastBreak = next.Success ? next.Index : end;
        }
        slices.Add((lastBreak, RStrippedLength(text)));
        return slices;
    }

    // _match_potential_end_contexts: each candidate with the word before it and what follows it. Runs such as
    // "!!!" give one candidate per character, whose "word before" slices overlap; only the last one is kept.
    static IEnumerable<(Match Candidate, string Context)> CandidatesWithContext(string text)
    {
        (int Start, int End) previousWord = (0, 0);
        Match? previous = null;
        foreach (Match candidate in CandidateEnd.Matches(text))
        {
            // Punkt's _get_last_whitespace_index answers 0 both for "none" and for "at index 0"; both mean
            // "no whitespace", and the word then starts where the previous one did.
            var lastSpace = LastAsciiWhitespace(text, previousWord.End, candidate.Index) - previousWord.End;
            var wordStart = lastSpace > 0 ? previousWord.End + lastSpace + 1 : previousWord.Start;
            if (previous is not null && previousWord.End <= wordStart)
                yield return (previous, Context(text, previousWord, previous));
            previous = candidate;
            previousWord = (wordStart, candidate.Index);
        }
        if (previous is not null) yield return (previous, Context(text, previousWord, previous));
    }

    static string Context(string text, (int Start, int End) word, Match candidate) =>
        Slice(text, word.Start, word.End) + candidate.Value + candidate.Groups["after"].Value;

    // Punkt tests for Python's string.whitespace here, the ASCII six, unlike its regexes.
    static int LastAsciiWhitespace(string text, int start, int end)
    {
        for (var i = end - 1; i >= start; i--)
        {
            if (text[i] is ' ' or '\t' or '\n' or '\r' or '\v' or '\f') return i;
        }
        return -1;
    }

    // _realign_boundaries: moves closing quotes and brackets that open the next slice to the end of this one.
    static IEnumerable<(int Start, int End)> RealignBoundaries(string text, List<(int Start, int End)> slices)
    {
        var realign = 0;
        for (var i = 0; i < slices.Count; i++)
        {
            var sentence = (Start: slices[i].Start + realign, slices[i].End);
            if (i + 1 == slices.Count)
            {
                if (Slice(text, sentence.Start, sentence.End).Length > 0) yield return sentence;
                continue;
            }
            var following = slices[i + 1];
            var closing = ClosingPunctuation.Match(Slice(text, following.Start, following.End));
            if (closing.Success)
            {
                yield return (sentence.Start, following.Start + RStrippedLength(closing.Value));
                realign = closing.Length;
            }
            else
            {
                realign = 0;
                if (Slice(text, sentence.Start, sentence.End).Length > 0) yield return sentence;
            }
        }
    }

    // Python's text[start:end], which is empty rather than an error when end < start.
    static string Slice(string text, int start, int end) => end > start ? text[start..end] : "";
}
