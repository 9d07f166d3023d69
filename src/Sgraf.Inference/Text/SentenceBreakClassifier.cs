using System.Text.RegularExpressions;
using static Sgraf.Inference.Text.PythonText;

namespace Sgraf.Inference.Text;

/// <summary>
/// Punkt's decision for one candidate sentence end (NLTK 3.8 punkt.py, <c>text_contains_sentbreak</c>):
/// split the candidate's context into Punkt word tokens, annotate them in two passes, and report a break if a
/// token other than the last is marked as one.
/// <para>
/// The pretrained English model is not available here, so the second pass runs on what this port embeds:
/// the model's abbreviation list (<see cref="PunktEnglishAbbreviations"/>) and an orthographic heuristic that
/// assumes lowercased text. Captions reach Punkt ASCII-lowercased, which is why that suffices:
/// <list type="bullet">
/// <item>A word starting lowercase is "not a sentence starter". The model says otherwise only for a word it
/// saw lowercase at a sentence start and never capitalised anywhere; such words would keep an initial or
/// number before them a break.</item>
/// <item>A word starting with a capital (only non-ASCII capitals survive the lowercasing) is treated as a word
/// the model never saw: the orthographic heuristic is undecided and the frequent-sentence-starter list (all
/// ASCII words) cannot match, so an abbreviation or ellipsis before it never becomes a break, and an initial
/// before it stops being one (Punkt's "J. Bach" rule).</item>
/// <item>The model's collocations (an initial or number followed by a given word) are left out: their second
/// words are lowercase, where the orthographic heuristic already gives the same answer.</item>
/// </list>
/// </para>
/// </summary>
internal static class SentenceBreakClassifier
{
    /// <summary>Punkt's <c>_re_non_word_chars</c>: characters that cannot appear within words.</summary>
    public const string NonWordChar = @"[)"";}\]*:@'({\[?!]";

    const string WordStart = @"[^(""`{\[:;&#*@)}\]\-,]";

    const string MultiCharPunctuation = $@"(?:-{{2,}}|\.{{2,}}|(?:\.{Space}){{2,}}\.)";

    // Punkt's _word_tokenize_fmt: splits off punctuation other than periods, which stay on their word.
    static readonly Regex WordToken = new(
        $"{MultiCharPunctuation}"
        + $"|(?={WordStart}){NonSpace}+?(?={Space}|$|{NonWordChar}|{MultiCharPunctuation}"
        + $"|,(?=$|{Space}|{NonWordChar}|{MultiCharPunctuation}))"
        + $"|{NonSpace}",
        Options);

    static readonly Regex Numeric = new(@"^-?[.,]?\d[\d,.-]*\.?$", Options);
    static readonly Regex Initial = new($@"^{WordCharNotDigit}\.$", Options);

    /// <summary>Whether Punkt ends a sentence inside <paramref name="context"/> (before its last token).</summary>
    public static bool ContainsSentenceBreak(string context)
    {
        var tokens = Tokenize(context);
        foreach (var token in tokens) AnnotateByType(token);
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            AnnotateByContext(tokens[i], tokens[i + 1]);
            if (tokens[i].SentenceBreak) return true;
        }
        return false;
    }

    static List<Token> Tokenize(string context)
    {
        var tokens = new List<Token>();
        foreach (var line in context.Split('\n'))
        {
            foreach (Match word in WordToken.Matches(line)) tokens.Add(new Token(word.Value));
        }
        return tokens;
    }

    // First pass (_first_pass_annotation): '.', '?' and '!' alone are breaks, and so is a word ending in one
    // period unless it is a known abbreviation (also after its last '-', as in "ex-gov."). Punkt also marks
    // ellipses and abbreviations here, but only its second pass reads those marks, for a rule that never
    // fires on lowercased text (see the class remarks).
    static void AnnotateByType(Token token)
    {
        var text = token.Text;
        if (text is "." or "?" or "!")
        {
            token.SentenceBreak = true;
        }
        else if (token.PeriodFinal && !text.EndsWith("..", StringComparison.Ordinal))
        {
            var word = Lower(text[..^1]);
            var lastPart = word[(word.LastIndexOf('-') + 1)..];
            token.SentenceBreak = !PunktEnglishAbbreviations.Types.Contains(word)
                && !PunktEnglishAbbreviations.Types.Contains(lastPart);
        }
    }

    // Second pass (_second_pass_annotation), as far as it can act on lowercased text (see the class remarks):
    // an initial ("j.") or a number ("5.") is not a break when the next word is lowercase or punctuation, and an
    // initial is not one before a capitalised word either.
    static void AnnotateByContext(Token token, Token next)
    {
        if (!token.PeriodFinal) return;
        var isInitial = Initial.IsMatch(token.Text);
        if (!isInitial && TypeWithoutPeriod(token.Text) != "##number##") return;

        var starter = IsSentenceStarter(next);
        if (starter == false || (starter is null && isInitial && char.IsUpper(next.Text[0])))
            token.SentenceBreak = false;
    }

    // _ortho_heuristic: false = "not a sentence starter", null = "unknown"; "starter" needs the model's
    // orthographic table for a capitalised word, which lowercased text does not reach.
    static bool? IsSentenceStarter(Token token) =>
        token.Text is ";" or ":" or "," or "." or "!" or "?" || char.IsLower(token.Text[0]) ? false : null;

    // Punkt's token type: lowercased, numbers replaced by ##number##, then without a final period.
    static string TypeWithoutPeriod(string text)
    {
        var lower = Lower(text);
        var type = Numeric.IsMatch(lower) ? "##number##" : lower;
        return type.Length > 1 && type[^1] == '.' ? type[..^1] : type;
    }

    sealed class Token(string text)
    {
        public string Text { get; } = text;
        public bool PeriodFinal => Text.EndsWith('.');
        public bool SentenceBreak { get; set; }
    }
}
