using System.Text;

namespace Sgraf.Inference.Data;

/// <summary>
/// Reads a <c>{split}_caps.txt</c> as the official python3.6 loader does (spec §11): the file is read as bytes,
/// one caption per <c>\n</c>-terminated line (a last line without <c>\n</c> counts, an empty one after the final
/// <c>\n</c> does not), each stripped of ASCII whitespace at both ends like <c>bytes.strip()</c>, then decoded as UTF-8.
/// Lowercasing is the tokenizer's job, so the text keeps its case.
/// </summary>
public static class CaptionFile
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "file not found");
        ReadOnlySpan<byte> rest = File.ReadAllBytes(path);
        var captions = new List<string>();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            captions.Add(Decode(StripAsciiWhitespace(line), path, captions.Count + 1));
        }
        return captions;
    }

    static ReadOnlySpan<byte> StripAsciiWhitespace(ReadOnlySpan<byte> line)
    {
        // Python's bytes.strip() set: space, \t, \n, \r, \v, \f — and nothing outside ASCII.
        ReadOnlySpan<byte> whitespace = [(byte)' ', (byte)'\t', (byte)'\n', (byte)'\r', 0x0B, 0x0C];
        return line.Trim(whitespace);
    }

    static string Decode(ReadOnlySpan<byte> line, string path, int lineNumber)
    {
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException e)
        {
            throw InvalidInputException.InFile(path, $"line {lineNumber} is not valid UTF-8 ({e.Message})");
        }
    }
}
