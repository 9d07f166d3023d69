namespace Sgraf.Inference.Text;

/// <summary>
/// One caption line to tokens and ids exactly as the official <c>PrecompDataset.__getitem__</c> does it
/// (spec §11): strip ASCII whitespace, lowercase ASCII letters only, <c>nltk.word_tokenize</c> (Punkt sentence
/// split, then the Treebank word tokenizer on each sentence), and ids wrapped in &lt;start&gt; and &lt;end&gt;.
/// Thread-safe.
/// </summary>
public static class CaptionTokenizer
{
    static readonly char[] AsciiWhitespace = [' ', '\t', '\n', '\r', '\v', '\f'];

    /// <summary>
    /// The official reader strips and lowercases the line as bytes, before decoding it: <c>bytes.strip()</c>
    /// removes only ASCII whitespace and <c>bytes.lower()</c> changes only A–Z ("CAFÉ" becomes "cafÉ").
    /// </summary>
    public static string Normalize(string line)
    {
        var chars = line.Trim(AsciiWhitespace).ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is >= 'A' and <= 'Z') chars[i] = (char)(chars[i] + ('a' - 'A'));
        }
        return new string(chars);
    }

    /// <summary>The tokens of one caption line, without &lt;start&gt; and &lt;end&gt;.</summary>
    public static IReadOnlyList<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        foreach (var sentence in SentenceSplitter.Split(Normalize(line)))
            tokens.AddRange(TreebankWordTokenizer.Tokenize(sentence));
        return tokens;
    }

    /// <summary>
    /// The tokens of <paramref name="line"/> that <paramref name="vocabulary"/> maps to &lt;unk&gt;, each once, in caption
    /// order: the words the model reads as "unknown", so a search can say it did not understand them.
    /// </summary>
    public static IReadOnlyList<string> UnknownWords(string line, Vocabulary vocabulary) =>
        [.. Tokenize(line).Where(token => vocabulary.IdOf(token) == Vocabulary.UnknownId).Distinct(StringComparer.Ordinal)];

    /// <summary>The ids the text encoder reads: &lt;start&gt;, one id per token (&lt;unk&gt; if unknown), &lt;end&gt;.</summary>
    public static int[] Encode(string line, Vocabulary vocabulary)
    {
        var tokens = Tokenize(line);
        var ids = new int[tokens.Count + 2];
        ids[0] = Vocabulary.StartId;
        for (var i = 0; i < tokens.Count; i++) ids[i + 1] = vocabulary.IdOf(tokens[i]);
        ids[^1] = Vocabulary.EndId;
        return ids;
    }
}
