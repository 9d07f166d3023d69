using Sgraf.Inference;

namespace Sgraf.Training.Features;

/// <summary>One split of a dataset: its name (train, dev, test) and its photos' file names, in order.</summary>
internal sealed record FlickrSplit(string Name, IReadOnlyList<string> Photos);

/// <summary>The standard Flickr8k split files (Hodosh et al. 2013): <c>Flickr_8k.{train,dev,test}Images.txt</c>, one photo a line.</summary>
internal static class FlickrSplits
{
    public static readonly string[] Names = ["train", "dev", "test"];

    public static string FileName(string split) => $"Flickr_8k.{split}Images.txt";

    /// <summary>The splits whose file is in <paramref name="folder"/>, in the order train, dev, test.</summary>
    /// <exception cref="InvalidInputException">No split file, a photo twice, or a photo in two splits.</exception>
    public static IReadOnlyList<FlickrSplit> Read(string folder)
    {
        if (!Directory.Exists(folder)) throw InvalidInputException.InFile(folder, "no such folder");
        var splits = new List<FlickrSplit>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            var path = Path.Combine(folder, FileName(name));
            if (!File.Exists(path)) continue;
            var photos = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            foreach (var photo in photos)
                if (!seen.TryAdd(photo, name))
                    throw InvalidInputException.InFile(path, $"{photo} is already in the {seen[photo]} split");
            splits.Add(new FlickrSplit(name, photos));
        }
        if (splits.Count == 0)
            throw InvalidInputException.InFile(folder, $"no split file here (expected {string.Join(", ", Names.Select(FileName))})");
        return splits;
    }
}
