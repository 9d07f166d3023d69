using Sgraf.Inference.Text;

namespace Sgraf.Training.Evaluation;

/// <summary>
/// A hard-negative probe for photo captions (Flickr8k and the like): each caption that holds a word of a known kind
/// — colour, count, person, action — becomes a false twin with that one word swapped for another of the same kind
/// ("a black dog runs" → "a white dog runs"). Only swaps whose new word the vocabulary knows are made, so the false
/// caption is never an &lt;unk&gt; away from the true one; one entry per caption at most, drawn with a seed.
/// </summary>
public static class ProbeCaptionSwaps
{
    /// <summary>Words that change what a caption says when swapped within their group (the kind is the key).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Kinds = new Dictionary<string, string[]>
    {
        ["colour"] = ["black", "white", "brown", "red", "blue", "green", "yellow", "orange", "pink", "purple", "gray"],
        ["count"] = ["two", "three", "four", "five", "six"],
        ["person"] = ["man", "woman", "boy", "girl"],
        ["people"] = ["men", "women", "boys", "girls"],
        ["action"] = ["running", "sitting", "standing", "jumping", "walking", "swimming", "climbing", "riding", "lying", "sleeping"],
    };

    static readonly HashSet<string> NounMarkers = ["a", "an", "the", "in", "on", "at", "of", "into", "for", "by", "near", "his", "her", "their"];

    /// <summary>
    /// Probe entries for the captions of a split (caption index c belongs to image c / <paramref name="captionsPerImage"/>).
    /// </summary>
    public static List<ProbeEntry> Make(IReadOnlyList<string> captions, int captionsPerImage, Vocabulary vocabulary, int seed)
    {
        var random = new Random(seed);
        var entries = new List<ProbeEntry>();
        for (int c = 0; c < captions.Count; c++)
        {
            var words = captions[c].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var candidates = new List<(int Position, string Kind, string[] Others)>();
            for (int w = 0; w < words.Length; w++)
            {
                var word = words[w].ToLowerInvariant();
                // "a swimming pool", "the running track": after an article or preposition an -ing word names a thing, not what someone does.
                bool named = w > 0 && NounMarkers.Contains(words[w - 1].ToLowerInvariant());
                foreach (var (kind, group) in Kinds)
                {
                    if (!group.Contains(word) || (kind == "action" && named)) continue;
                    var others = group.Where(o => o != word && vocabulary.IdOf(o) != Vocabulary.UnknownId && !words.Contains(o, StringComparer.OrdinalIgnoreCase)).ToArray();
                    if (others.Length > 0) candidates.Add((w, kind, others));
                }
            }
            if (candidates.Count == 0) continue;
            var (position, chosenKind, replacements) = candidates[random.Next(candidates.Count)];
            var changed = (string[])words.Clone();
            changed[position] = replacements[random.Next(replacements.Length)];
            entries.Add(new ProbeEntry(c, c / captionsPerImage, string.Join(' ', words), string.Join(' ', changed), chosenKind));
        }
        return entries;
    }
}
