namespace Sgraf.Inference.Text;

/// <summary>
/// Finds the vocabulary of a precomp data folder the way the official layout places it: data in
/// <c>&lt;root&gt;/data/&lt;name&gt;/</c>, vocabulary in <c>&lt;root&gt;/vocab/&lt;name&gt;_vocab.json</c> (SCAN's release).
/// </summary>
public static class VocabularyLocator
{
    public static string Find(string dataDir)
    {
        var data = new DirectoryInfo(dataDir);
        var name = data.Name;
        var candidates = new List<string>
        {
            Path.Combine(data.FullName, $"{name}_vocab.json"),
            Path.Combine(data.FullName, "vocab.json"),
        };
        if (data.Parent is { } parent)
        {
            candidates.Add(Path.Combine(parent.FullName, "vocab", $"{name}_vocab.json"));
            if (parent.Parent is { } root) candidates.Add(Path.Combine(root.FullName, "vocab", $"{name}_vocab.json"));
        }
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidInputException(
                $"{dataDir}: no vocabulary found next to the data (looked for {string.Join(", ", candidates)}); give one with --vocab");
    }
}
