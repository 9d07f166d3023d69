using System.Text;
using System.Text.RegularExpressions;

namespace Sgraf.Inference.Text;

/// <summary>
/// Python 3 <c>str</c> and <c>re</c> character semantics that the NLTK port depends on, spelled in .NET terms.
/// .NET's <c>\s</c>, <c>\w</c>, <c>\b</c> and <c>IgnoreCase</c> differ from Python's at the edges, so the
/// ported patterns use these fragments instead of the .NET shorthands:
/// Python's whitespace also has \x1c–\x1f; its word characters are letters, numbers of every kind and '_'
/// (no combining marks, which .NET adds); its case-insensitive 'i' and 's' also match 'İ', 'ı' and 'ſ'.
/// Characters outside the BMP are seen as two surrogates here but as one code point by Python.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>\s</c>.</summary>
    public const string Space = @"[\s\x1c-\x1f]";

    /// <summary>Python's <c>\S</c>.</summary>
    public const string NonSpace = @"[^\s\x1c-\x1f]";

    /// <summary>Python's <c>\w</c>: <c>str.isalnum()</c> or '_'.</summary>
    public const string WordChar = @"[\p{L}\p{N}_]";

    /// <summary>Python's <c>[^\W\d]</c>: a word character that is not a decimal digit.</summary>
    public const string WordCharNotDigit = @"[\p{L}\p{Nl}\p{No}_]";

    /// <summary>Python's <c>\b</c>, built on <see cref="WordChar"/>.</summary>
    public const string WordBoundary =
        @"(?:(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_]))";

    /// <summary>Options for every ported pattern: ordinal, culture-free matching, compiled once.</summary>
    public const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    /// <summary><c>str.isspace()</c> for one character.</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary><c>str.split()</c> without arguments: runs of whitespace separate, no empty pieces.</summary>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var boundary = i == text.Length || IsSpace(text[i]);
            if (boundary && start >= 0)
            {
                pieces.Add(text[start..i]);
                start = -1;
            }
            else if (!boundary && start < 0)
            {
                start = i;
            }
        }
        return pieces;
    }

    /// <summary>Length of <c>text.rstrip()</c>.</summary>
    public static int RStrippedLength(string text)
    {
        var end = text.Length;
        while (end > 0 && IsSpace(text[end - 1])) end--;
        return end;
    }

    /// <summary>
    /// <c>str.lower()</c> as far as a comparison with ASCII words can tell: 'İ' lowers to two characters
    /// in Python ("i̇"), where .NET's simple mapping would give a bare 'i' and match words Python does not.
    /// </summary>
    public static string Lower(string text) => text.Replace("\u0130", "i\u0307").ToLowerInvariant();

    /// <summary>
    /// An ASCII word as a pattern that matches it the way Python's <c>(?i)</c> does: each letter in both
    /// cases, plus the non-ASCII letters Python's case folding equates with 'i', 'k' and 's'.
    /// </summary>
    public static string IgnoreCase(string word)
    {
        var pattern = new StringBuilder();
        foreach (var c in word)
        {
            pattern.Append(c switch
            {
                'i' => "[iI\u0130\u0131]",
                'k' => "[kK\u212A]",
                's' => "[sS\u017F]",
                >= 'a' and <= 'z' => $"[{c}{char.ToUpperInvariant(c)}]",
                _ => Regex.Escape(c.ToString()),
            });
        }
        return pattern.ToString();
    }
}
