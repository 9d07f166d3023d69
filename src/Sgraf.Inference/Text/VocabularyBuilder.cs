namespace Sgraf.Inference.Text;

/// <summary>
/// Builds a vocabulary from caption files as the official vocab.py <c>build_vocab</c> does (spec §11): every
/// caption tokenised like the data loader, words counted over all files (train and dev), and the words seen at
/// least <c>threshold</c> times added after the four specials in order of first occurrence — the order of
/// Python's <c>Counter.items()</c>.
/// </summary>
public static class VocabularyBuilder
{
    public const int OfficialThreshold = 4;

    /// <param name="captions">Caption lines, file after file, in file order.</param>
    public static Vocabulary Build(IEnumerable<string> captions, int threshold = OfficialThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstSeen = new List<string>();
        foreach (var caption in captions)
        {
            foreach (var token in CaptionTokenizer.Tokenize(caption))
            {
                if (counts.TryGetValue(token, out var count)) counts[token] = count + 1;
                else
                {
                    counts[token] = 1;
                    firstSeen.Add(token);
                }
            }
        }
        return Vocabulary.Build(firstSeen.Where(word => counts[word] >= threshold));
    }
}
