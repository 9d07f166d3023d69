using System.Globalization;
using System.Text;
using ICU4N.Text;

namespace Sgraf.Api.Validation;

/// <summary>
/// What a new gallery item's id may be, on every path that stores one (JSON adds, import frames, a shard's writes):
/// 1–256 characters of valid Unicode in normalization form C, without control characters, format characters (Unicode
/// Cf: zero-width spaces, bidirectional controls), '/' or '\' (a URL path cannot carry them inside one id), or
/// whitespace at either end. So ids that look alike are alike, and every id can be named in GET and DELETE paths.
/// Reads and deletes take any id, so items stored before these rules stay reachable.
/// </summary>
public static class ItemIds
{
    public const int MaxLength = 256;

    // .NET's string.IsNormalized does nothing under InvariantGlobalization (Directory.Build.props); ICU4N has the data.
    static readonly Normalizer2 Nfc = Normalizer2.GetInstance(null, "nfc", Normalizer2Mode.Compose);

    /// <summary>What is wrong with <paramref name="id"/> as a new item's id (said of the id: "contains …"), or null when nothing is.</summary>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "is required";
        if (id.Length > MaxLength) return $"is {id.Length} characters; ids are at most {MaxLength}";
        for (int i = 0; i < id.Length;)
        {
            if (Rune.DecodeFromUtf16(id.AsSpan(i), out var rune, out int length) != System.Buffers.OperationStatus.Done)
                return $"contains an unpaired surrogate {CodePoint(id[i])} at index {i}; ids must be valid Unicode";
            if (rune.Value is '/' or '\\')
                return $"contains '{(char)rune.Value}' ({CodePoint(rune.Value)}) at index {i}; ids may not contain / or \\, which a URL path cannot carry inside one id";
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                    return $"contains the control character {CodePoint(rune.Value)} at index {i}";
                case UnicodeCategory.Format:
                    return $"contains {CodePoint(rune.Value)} at index {i}, an invisible format character (Unicode category Cf, such as zero-width " +
                           "spaces and bidirectional controls), which would make ids that look alike differ";
            }
            i += length;
        }
        if (id.Trim().Length != id.Length) return "starts or ends with whitespace";
        return Nfc.IsNormalized(id) ? null : NotComposed(id, Nfc.Normalize(id));
    }

    /// <summary>Names the part of <paramref name="id"/> that NFC changes and what it becomes.</summary>
    static string NotComposed(string id, string nfc)
    {
        int start = 0;
        while (start < id.Length && start < nfc.Length && id[start] == nfc[start]) start++;
        int end = 0;
        while (end < id.Length - start && end < nfc.Length - start && id[^(end + 1)] == nfc[^(end + 1)]) end++;
        return $"is not in Unicode normalization form C: {CodePoints(id[start..^end])} at index {start} is {CodePoints(nfc[start..^end])} in NFC; " +
               "send ids composed (NFC), so that ids that look alike are alike";
    }

    static string CodePoints(string text) => string.Join(" ", text.EnumerateRunes().Select(r => CodePoint(r.Value)));

    static string CodePoint(int value) => $"U+{value:X4}";
}
