using System.Diagnostics;
using System.Text.Json;
using Sgraf.Inference;
using Sgraf.LoadTest.Cli;

namespace Sgraf.LoadTest.Load;

/// <summary>What the gallery should hold before the load phase: bench images 0 … <paramref name="Images"/> − 1.</summary>
/// <param name="Reset">Delete images that are not bench images, and upload every bench image again (as after a change of seed).</param>
/// <param name="UploadBatch">Images per POST /images.</param>
internal sealed record GalleryFill(int Images, int ImgDim, int Seed, bool Reset, int UploadBatch);

/// <summary>What the fill did.</summary>
/// <param name="UploadLatency">Time of each POST /images, from sending to the answer (durable and searchable by then); null when nothing was uploaded.</param>
internal sealed record GalleryFillResult(int Kept, int Deleted, int Uploaded, double UploadSeconds, LatencySummary? UploadLatency = null);

/// <summary>
/// The fill phase of <c>sgraf bench-api</c>: makes the gallery hold exactly the bench images, so that the load phase
/// searches a gallery of the size asked for. Bench images already there are kept, so a second run at the same size
/// uploads nothing; images of a larger earlier run are deleted; other images are deleted only with --reset.
/// </summary>
internal static class BenchGallery
{
    public static GalleryFillResult Fill(BenchServiceClient client, GalleryFill fill, CancellationToken cancel)
    {
        var present = client.ListImageIdsAsync(cancel).GetAwaiter().GetResult();
        var kept = new HashSet<int>();
        var unwanted = new List<string>();
        foreach (var id in present)
        {
            bool wanted = BenchImages.TryParseIndex(id, out int index) && index < fill.Images;
            if (!wanted) unwanted.Add(id);
            else if (!fill.Reset) kept.Add(index);   // with --reset it is uploaded again, replacing it
        }
        var foreign = unwanted.Where(id => !BenchImages.TryParseIndex(id, out _)).ToArray();
        if (foreign.Length > 0 && !fill.Reset)
            throw new InvalidInputException($"the gallery at {client.Address} holds {foreign.Length} image(s) that are not bench images " +
                $"(e.g. {foreign[0]}); give --reset to delete them, or point --url at a service of its own");

        if (unwanted.Count > 0)
            CommandRunner.WithProgress($"deleting {unwanted.Count} images", task =>
            {
                task.MaxValue = unwanted.Count;
                foreach (var id in unwanted)
                {
                    client.DeleteImageAsync(id, cancel).GetAwaiter().GetResult();
                    task.Increment(1);
                }
                return unwanted.Count;
            });

        var missing = Enumerable.Range(0, fill.Images).Where(i => !kept.Contains(i)).ToArray();
        var clock = Stopwatch.StartNew();
        var latencies = new List<double>();
        if (missing.Length > 0)
            CommandRunner.WithProgress($"uploading {missing.Length} images", task =>
            {
                task.MaxValue = missing.Length;
                foreach (var batch in missing.Chunk(fill.UploadBatch))
                {
                    latencies.Add(Upload(client, batch, fill, cancel));
                    task.Increment(batch.Length);
                }
                return missing.Length;
            });
        double uploadSeconds = clock.Elapsed.TotalSeconds;

        int total = client.CountImagesAsync(cancel).GetAwaiter().GetResult();
        if (total != fill.Images)
            throw new InvalidInputException($"after the fill the gallery at {client.Address} holds {total} images, not {fill.Images}");
        return new GalleryFillResult(kept.Count, unwanted.Count, missing.Length, uploadSeconds, LatencySummary.Of(latencies));
    }

    /// <summary>
    /// For --keep-gallery: the gallery as it is (one filled by gallery import, say), checked to hold --images images,
    /// the size the report states; nothing is uploaded or deleted.
    /// </summary>
    public static GalleryFillResult AsItIs(BenchServiceClient client, GalleryFill fill, CancellationToken cancel)
    {
        int total = client.CountImagesAsync(cancel).GetAwaiter().GetResult();
        if (total != fill.Images)
            throw new InvalidInputException($"--keep-gallery: the gallery at {client.Address} holds {total} images, not --images {fill.Images}");
        return new GalleryFillResult(total, 0, 0, 0, null);
    }

    /// <returns>Milliseconds the POST took (the body is built before the clock starts).</returns>
    static double Upload(BenchServiceClient client, int[] indices, GalleryFill fill, CancellationToken cancel)
    {
        var features = new byte[indices.Length][];
        Parallel.For(0, indices.Length, i => features[i] = BenchImages.LittleEndianBytes(BenchImages.Regions(fill.Seed, indices[i], fill.ImgDim)));

        // Written straight to UTF-8: a 200-image body is about 80 MB of base64, too much to build as .NET strings.
        var body = new MemoryStream(indices.Length * (features[0].Length / 3 * 4 + 64) + 64);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("images");
            for (int i = 0; i < indices.Length; i++)
            {
                json.WriteStartObject();
                json.WriteString("id", BenchImages.Id(indices[i]));
                json.WriteBase64String("regionsBase64", features[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var content = BenchServiceClient.JsonBody(body.GetBuffer(), (int)body.Length);
        long started = Stopwatch.GetTimestamp();
        var answer = client.AddImagesAsync(content, cancel).GetAwaiter().GetResult();
        double milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        int stored = BenchServiceClient.Field(answer, "added").GetValue<int>() + BenchServiceClient.Field(answer, "replaced").GetValue<int>();
        if (stored != indices.Length)
            throw new InvalidInputException($"POST {client.Address}images: sent {indices.Length} images, the service added or replaced {stored}");
        return milliseconds;
    }
}
