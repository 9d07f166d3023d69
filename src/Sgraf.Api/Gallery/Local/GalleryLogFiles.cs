using System.Globalization;

namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// The local store's log files in its data directory: <c>gallery.log</c> until the first checkpoint, then
/// <c>gallery-NNNNNN.log</c>, numbered from the same counter as segment files, so a later log has a higher number.
/// A checkpoint names the first log after it; every log with a higher number was started after it (a checkpoint
/// begins by starting the next log), so the gallery is the checkpoint's segments plus those logs replayed in order.
/// </summary>
internal static class GalleryLogFiles
{
    public const string First = "gallery.log";

    public static string Name(long number) => $"gallery-{number:D6}.log";

    /// <summary>The number in a numbered log's name; null for <c>gallery.log</c> or another file.</summary>
    public static long? Number(string fileName) =>
        fileName.StartsWith("gallery-", StringComparison.Ordinal) && fileName.EndsWith(".log", StringComparison.Ordinal)
        && long.TryParse(fileName.AsSpan(8, fileName.Length - 12), NumberStyles.None, CultureInfo.InvariantCulture, out long number)
            ? number : null;

    /// <summary>
    /// The logs that continue <paramref name="checkpoint"/> (or hold the whole gallery without one), oldest first:
    /// its log, then every numbered log after it. The newest is the one appended to.
    /// </summary>
    public static List<string> Live(string dataDirectory, GalleryCheckpoint? checkpoint)
    {
        long after = checkpoint is null ? 0 : Number(checkpoint.Log) ?? 0;
        var newer = Numbered(dataDirectory).Where(log => log.Number > after).OrderBy(log => log.Number).Select(log => log.Name);
        return [checkpoint?.Log ?? First, .. newer];
    }

    /// <summary>Logs older than <paramref name="checkpoint"/>'s own: every change they hold is in its segments.</summary>
    public static IEnumerable<string> Obsolete(string dataDirectory, GalleryCheckpoint? checkpoint)
    {
        if (checkpoint is null) return [];
        long since = Number(checkpoint.Log) ?? 0;
        var older = Numbered(dataDirectory).Where(log => log.Number < since).Select(log => log.Name);
        return File.Exists(Path.Combine(dataDirectory, First)) && checkpoint.Log != First ? older.Append(First) : older;
    }

    /// <summary>The highest number a log in <paramref name="dataDirectory"/> has, or 0.</summary>
    public static long Highest(string dataDirectory) => Numbered(dataDirectory).Select(log => log.Number).DefaultIfEmpty(0).Max();

    static IEnumerable<(string Name, long Number)> Numbered(string dataDirectory) =>
        from path in Directory.EnumerateFiles(dataDirectory, "gallery-*.log")
        let name = Path.GetFileName(path)
        let number = Number(name)
        where number is not null
        select (name, number.Value);
}
