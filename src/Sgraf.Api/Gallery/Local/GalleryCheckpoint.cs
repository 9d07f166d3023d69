using System.Text.Json;

namespace Sgraf.Api.Gallery.Local;

/// <summary>
/// The local store's checkpoint, <c>checkpoint.json</c> in the data directory: the sealed segment files that hold the
/// gallery up to the checkpoint, and the log that holds every change since. Replaced atomically (written aside, fsync'ed,
/// renamed over, directory fsync'ed), so a crash leaves the old checkpoint or the new one, each complete.
/// </summary>
/// <param name="EmbeddingsHash">The encoders the segments were made with; another bundle's checkpoint is refused.</param>
/// <param name="Log">The log file (in the data directory) continuing the segments.</param>
/// <param name="Segments">The segment files (in <c>segments/</c>) with their dead slots.</param>
/// <param name="NextFile">The number the next segment file gets, so names are never reused.</param>
/// <param name="Upstream">
/// For a copy of a gallery kept elsewhere (a Redis replica's): where in that gallery's own log the segments stand, in
/// the upstream store's words; start-up reads the upstream log after it. Null for a gallery whose log is local.
/// </param>
public sealed record GalleryCheckpoint(int Format, string EmbeddingsHash, string Log, IReadOnlyList<SealedSegment> Segments, long NextFile,
    string? Upstream = null)
{
    public const string FileName = "checkpoint.json";
    public const int CurrentFormat = 1;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The checkpoint in <paramref name="dataDirectory"/>, or null when none was written yet.</summary>
    /// <exception cref="InvalidDataException">The file is unreadable or of another format; the message names it.</exception>
    public static GalleryCheckpoint? Read(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path)) return null;
        GalleryCheckpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<GalleryCheckpoint>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"checkpoint {path} is not valid JSON: {e.Message}", e);
        }
        if (checkpoint is null || checkpoint.Format != CurrentFormat || string.IsNullOrEmpty(checkpoint.Log) || checkpoint.Segments is null)
            throw new InvalidDataException($"checkpoint {path} is not a format {CurrentFormat} checkpoint");
        return checkpoint;
    }

    /// <summary>Replaces the checkpoint in <paramref name="dataDirectory"/> atomically and durably.</summary>
    public void Write(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, FileName), temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(this, Json));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(dataDirectory);
    }
}
