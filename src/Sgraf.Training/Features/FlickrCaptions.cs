using System.Globalization;
using Sgraf.Inference;

namespace Sgraf.Training.Features;

/// <summary>
/// A Flickr8k/Flickr30k caption file (<c>Flickr8k.token.txt</c>): one caption a line, <c>&lt;photo&gt;#&lt;n&gt;\t&lt;caption&gt;</c>.
/// Captions are kept by photo, in the order of n.
/// </summary>
internal sealed class FlickrCaptions
{
    readonly Dictionary<string, SortedDictionary<int, string>> byPhoto;

    FlickrCaptions(Dictionary<string, SortedDictionary<int, string>> byPhoto) => this.byPhoto = byPhoto;

    public IEnumerable<string> Photos => byPhoto.Keys;

    public IReadOnlyCollection<string> Of(string photo) =>
        byPhoto.TryGetValue(photo, out var captions) ? captions.Values : [];

    /// <exception cref="InvalidInputException">A line that is not <c>photo#n\tcaption</c>, or a caption given twice; the message names the line.</exception>
    public static FlickrCaptions Read(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.InFile(path, "file not found");
        var byPhoto = new Dictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            int tab = line.IndexOf('\t');
            int hash = tab < 0 ? -1 : line.LastIndexOf('#', tab);
            if (hash <= 0 || !int.TryParse(line.AsSpan(hash + 1, tab - hash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                throw InvalidInputException.InFile(path, $"line {lineNumber} is not \"<photo>#<n>\\t<caption>\"");
            var photo = line[..hash];
            var captions = byPhoto.TryGetValue(photo, out var found) ? found : byPhoto[photo] = [];
            if (!captions.TryAdd(n, line[(tab + 1)..].Trim()))
                throw InvalidInputException.InFile(path, $"line {lineNumber} gives caption {n} of {photo} a second time");
        }
        return new FlickrCaptions(byPhoto);
    }
}
