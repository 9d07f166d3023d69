using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sgraf.Inference.Text;

/// <summary>
/// The word ↔ id table of the official vocab.py (spec §11): ids 0–3 are &lt;pad&gt;, &lt;start&gt;, &lt;end&gt;,
/// &lt;unk&gt;, corpus words follow, and every id below <see cref="Count"/> has exactly one word, because the
/// text encoder's embedding table has <see cref="Count"/> rows. Immutable, so thread-safe.
/// </summary>
public sealed class Vocabulary
{
    public const int PadId = 0;
    public const int StartId = 1;
    public const int EndId = 2;
    public const int UnknownId = 3;

    static readonly string[] Specials = ["<pad>", "<start>", "<end>", "<unk>"];

    readonly string[] words;
    readonly Dictionary<string, int> ids;

    Vocabulary(string[] words)
    {
        this.words = words;
        ids = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (var id = 0; id < words.Length; id++) ids[words[id]] = id;
    }

    /// <summary>Number of words, specials included: the official <c>vocab_size</c>.</summary>
    public int Count => words.Length;

    /// <summary>The id of a token, or <see cref="UnknownId"/> for a word outside the vocabulary.</summary>
    public int IdOf(string token) => ids.GetValueOrDefault(token, UnknownId);

    /// <summary>The word with the given id.</summary>
    public string WordOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        return words[id];
    }

    /// <summary>
    /// The four specials followed by <paramref name="corpusWords"/> in order, a repeated word keeping its first
    /// id, as vocab.py's <c>build_vocab</c> adds them.
    /// </summary>
    public static Vocabulary Build(IEnumerable<string> corpusWords)
    {
        var ordered = new List<string>(Specials);
        var seen = new HashSet<string>(Specials, StringComparer.Ordinal);
        foreach (var word in corpusWords)
        {
            if (seen.Add(word)) ordered.Add(word);
        }
        return new Vocabulary([.. ordered]);
    }

    /// <summary>
    /// Reads an official vocabulary JSON (<c>{"word2idx": {...}, "idx2word": {...}, "idx": N}</c>). Only
    /// <c>word2idx</c> is read: it is all the official code looks words up in.
    /// </summary>
    /// <exception cref="InvalidInputException">The file is missing, not JSON, or not a usable vocabulary.</exception>
    public static Vocabulary Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "vocabulary file not found");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw InvalidInputException.InFile(path, $"not a vocabulary JSON file ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("word2idx", out var word2idx)
                || word2idx.ValueKind != JsonValueKind.Object)
            {
                throw InvalidInputException.InFile(path, "no \"word2idx\" object; not an official vocabulary file");
            }
            return new Vocabulary(WordsById(path, word2idx));
        }
    }

    static string[] WordsById(string path, JsonElement word2idx)
    {
        var entries = word2idx.EnumerateObject().ToList();
        var words = new string?[entries.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!names.Add(entry.Name)) throw InvalidInputException.InFile(path, $"word \"{entry.Name}\" appears twice in word2idx");
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id))
                throw InvalidInputException.InFile(path, $"word2idx[\"{entry.Name}\"] is {entry.Value}, not an integer id");
            if (id < 0 || id >= words.Length)
            {
                throw InvalidInputException.InFile(path,
                    $"word2idx[\"{entry.Name}\"] is {id}; ids must run from 0 to {words.Length - 1}, one per word");
            }
            if (words[id] is { } other)
                throw InvalidInputException.InFile(path, $"id {id} is used by both \"{other}\" and \"{entry.Name}\"");
            words[id] = entry.Name;
        }
        for (var id = 0; id < Specials.Length; id++)
        {
            if (id >= words.Length || words[id] != Specials[id])
            {
                throw InvalidInputException.InFile(path,
                    $"ids 0-3 must be {string.Join(", ", Specials)}; id {id} is {(id < words.Length ? $"\"{words[id]}\"" : "missing")}");
            }
        }
        return words!;
    }

    /// <summary>
    /// Writes the official format byte for byte as vocab.py's <c>json.dump</c> does: keys in id order,
    /// ", " and ": " separators, non-ASCII characters as \u escapes.
    /// </summary>
    public void Save(string path)
    {
        var json = new StringBuilder();
        json.Append("{\"word2idx\": {");
        for (var id = 0; id < words.Length; id++)
        {
            if (id > 0) json.Append(", ");
            AppendPythonJsonString(json, words[id]);
            json.Append(": ").Append(id.ToString(CultureInfo.InvariantCulture));
        }
        json.Append("}, \"idx2word\": {");
        for (var id = 0; id < words.Length; id++)
        {
            if (id > 0) json.Append(", ");
            json.Append('"').Append(id.ToString(CultureInfo.InvariantCulture)).Append("\": ");
            AppendPythonJsonString(json, words[id]);
        }
        json.Append("}, \"idx\": ").Append(words.Length.ToString(CultureInfo.InvariantCulture)).Append('}');
        File.WriteAllText(path, json.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    // Python's json.dumps(s) with ensure_ascii=True: only printable ASCII stays as is.
    static void AppendPythonJsonString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                >= ' ' and <= '~' => c.ToString(),
                _ => $"\\u{(int)c:x4}",
            });
        }
        json.Append('"');
    }
}
