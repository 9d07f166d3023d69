namespace Sgraf.Inference.Text;

/// <summary>
/// Finds the vocabulary of a precomp data folder the way the official layout places it: data in
/// <c>&lt;root&gt;/data/&lt;name&gt;/</c>, vocabulary in <c>&lt;root&gt;/vocab/&lt;name&gt;_vocab.json</c> (SCAN's release).
/// </summary>
public static class VocabularyLocator
{
    /// <exception cref="InvalidInputException">The folder does not exist, is empty, or has no vocabulary where one is looked for.</exception>
    public static string Find(string dataDir)
    {
        var data = new DirectoryInfo(dataDir);
        // Said first: "no vocabulary found" for a mistyped or empty folder sends the user looking for the wrong thing.
        if (!data.Exists) throw InvalidInputException.InFile(dataDir, "folder not found (--data names the folder of a precomp split: {split}_ims.npy and {split}_caps.txt)");
        if (!data.EnumerateFileSystemInfos().Any()) throw InvalidInputException.InFile(dataDir, "the folder is empty; it should hold a precomp split ({split}_ims.npy and {split}_caps.txt; sgraf make-shapes writes one)");
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
