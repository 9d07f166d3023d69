using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Local;

namespace Sgraf.Api.Tests.Gallery.Local;

public class GalleryLogReplayTests
{
    [Fact]
    public void Many_records_round_trip_through_reopen()
    {
        using var dir = new GalleryDirectory();
        using (var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle))
        {
            for (int i = 0; i < 500; i++)
            {
                log.Append(GalleryRecord.AddImage($"img-{i}", GalleryDirectory.Embedding(i, 16 + i), $"{{\"title\":\"t{i}\"}}"));
                log.Append(GalleryRecord.AddCaption($"cap-{i}", GalleryDirectory.Embedding(-i, 8), $"{{\"text\":\"é {i}\"}}"));
            }
        }

        using var reopened = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        Assert.Null(reopened.TailRepair);
        Assert.Equal(500, reopened.State.ImageCount);
        Assert.Equal(500, reopened.State.CaptionCount);
        for (int i = 0; i < 500; i++)
        {
            GalleryEntry image = reopened.State.Images[$"img-{i}"];
            Assert.Equal(GalleryDirectory.Embedding(i, 16 + i), image.Payload.ToArray());
            Assert.Equal($"{{\"title\":\"t{i}\"}}", image.Metadata);
            Assert.Equal($"{{\"text\":\"é {i}\"}}", reopened.State.Captions[$"cap-{i}"].Metadata);
        }
    }

    [Fact]
    public void Delete_removes_and_re_add_replaces_after_reopen()
    {
        using var dir = new GalleryDirectory();
        using (var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle))
        {
            log.Append(GalleryRecord.AddImage("a", GalleryDirectory.Embedding(1)));
            log.Append(GalleryRecord.AddImage("b", GalleryDirectory.Embedding(2)));
            log.Append(GalleryRecord.AddCaption("a", GalleryDirectory.Embedding(3)));
            log.Append(GalleryRecord.DeleteImage("a"));
            log.Append(GalleryRecord.AddImage("b", GalleryDirectory.Embedding(4), "{\"v\":2}"));
            log.Append(GalleryRecord.DeleteCaption("missing"));
        }

        using var reopened = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        Assert.Equal(["b"], reopened.State.Images.Keys);
        Assert.Equal(GalleryDirectory.Embedding(4), reopened.State.Images["b"].Payload.ToArray());
        Assert.Equal("{\"v\":2}", reopened.State.Images["b"].Metadata);
        Assert.Equal(["a"], reopened.State.Captions.Keys);
    }

    [Fact]
    public void Caller_reusing_its_buffer_after_append_does_not_change_the_gallery()
    {
        using var dir = new GalleryDirectory();
        using var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        byte[] buffer = GalleryDirectory.Embedding(1);
        log.Append(GalleryRecord.AddImage("a", buffer));
        buffer[0] ^= 0xFF;

        Assert.Equal(GalleryDirectory.Embedding(1), log.State.Images["a"].Payload.ToArray());
    }

    [Fact]
    public void Log_written_for_another_bundle_is_refused_naming_both_hashes()
    {
        using var dir = new GalleryDirectory();
        using (var log = GalleryLog.Open(dir.LogPath, "bundle-old"))
        {
            log.Append(GalleryRecord.AddImage("a", GalleryDirectory.Embedding(1)));
        }

        var error = Assert.Throws<GalleryBundleMismatchException>(() => GalleryLog.Open(dir.LogPath, "bundle-new"));
        Assert.Contains("bundle-old", error.Message);
        Assert.Contains("bundle-new", error.Message);
        Assert.Contains(dir.LogPath, error.Message);
        Assert.Equal("bundle-old", error.FoundBundleHash);
    }

    [Fact]
    public void Concurrent_appends_from_many_threads_are_all_replayed()
    {
        using var dir = new GalleryDirectory();
        const int threads = 8, perThread = 50;
        using (var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle))
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    log.Append(GalleryRecord.AddImage($"t{t}-{i}", GalleryDirectory.Embedding(t * 1000 + i)));
                }
            });
        }

        using var reopened = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        Assert.Null(reopened.TailRepair);
        Assert.Equal(threads * perThread, reopened.State.ImageCount);
        Assert.Equal(GalleryDirectory.Embedding(7 * 1000 + 49), reopened.State.Images["t7-49"].Payload.ToArray());
    }
}
