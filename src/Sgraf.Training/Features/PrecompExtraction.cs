using System.Diagnostics;
using Sgraf.Inference;
using Sgraf.Inference.Data;
using Sgraf.Inference.Pictures;

namespace Sgraf.Training.Features;

/// <summary>What one split's extraction wrote.</summary>
internal sealed record ExtractedSplit(string Name, int Photos, int Captions, TimeSpan Elapsed)
{
    public double PhotosPerSecond => Photos / Elapsed.TotalSeconds;
}

/// <summary>
/// Writes a split in the official precomp layout (spec §11) from photos and their captions: <c>{split}_ims.npy</c>
/// (N × 36 × img_dim float32, through <see cref="PictureFileEncoder"/>, streamed to disk), <c>{split}_caps.txt</c>
/// (five captions per photo, in photo order) and <c>{split}_ids.txt</c> (the photos' file names). Files are written
/// under a <c>.partial</c> name and renamed once complete, so a failed run leaves no half-written split.
/// </summary>
internal sealed class PrecompExtraction(PictureFileEncoder pictures, int imgDim, int regions)
{
    public const int CaptionsPerPhoto = 5;

    /// <summary>Checks that every photo has its file and its five captions, before anything is encoded.</summary>
    /// <exception cref="InvalidInputException">A photo without a file, or without five captions.</exception>
    public static void Check(FlickrSplit split, string picturesDir, FlickrCaptions captions, string captionsPath)
    {
        foreach (var photo in split.Photos)
        {
            if (!File.Exists(Path.Combine(picturesDir, photo)))
                throw InvalidInputException.InFile(Path.Combine(picturesDir, photo), $"no such photo (listed in the {split.Name} split)");
            int count = captions.Of(photo).Count;
            if (count != CaptionsPerPhoto)
                throw InvalidInputException.InFile(captionsPath, $"{photo} ({split.Name} split) has {count} captions; the precomp layout needs {CaptionsPerPhoto}");
        }
    }

    /// <param name="progress">Called after each batch with the photos done so far.</param>
    public ExtractedSplit Write(FlickrSplit split, string picturesDir, FlickrCaptions captions, string outDir, Action<int> progress)
    {
        Directory.CreateDirectory(outDir);
        var final = new[] { "ims.npy", "caps.txt", "ids.txt" }.Select(f => Path.Combine(outDir, $"{split.Name}_{f}")).ToArray();
        var partial = final.Select(f => f + ".partial").ToArray();
        var clock = Stopwatch.StartNew();
        try
        {
            using (var features = NpyRowWriter.Create(partial[0], split.Photos.Count, regions, imgDim))
            {
                foreach (var batch in pictures.Encode(split.Photos.Select(p => Path.Combine(picturesDir, p))))
                {
                    features.Append(batch.Features);
                    progress(features.Position);
                }
                features.Complete();
            }
            File.WriteAllLines(partial[1], split.Photos.SelectMany(captions.Of));
            File.WriteAllLines(partial[2], split.Photos);
            for (int i = 0; i < final.Length; i++) File.Move(partial[i], final[i], overwrite: true);
        }
        finally
        {
            foreach (var file in partial) File.Delete(file);
        }
        return new ExtractedSplit(split.Name, split.Photos.Count, split.Photos.Count * CaptionsPerPhoto, clock.Elapsed);
    }
}
