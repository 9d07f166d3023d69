using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Local;

namespace Sgraf.Api.Tests.Gallery.Local;

public class GalleryCompactionTests
{
    [Fact]
    public void Compaction_keeps_exactly_the_live_entries_and_survives_reopen()
    {
        using var dir = new GalleryDirectory();
        long sizeBefore;
        using (var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle))
        {
            for (int i = 0; i < 100; i++)
            {
                log.Append(GalleryRecord.AddImage($"img-{i}", GalleryDirectory.Embedding(i)));
                log.Append(GalleryRecord.AddCaption($"cap-{i}", GalleryDirectory.Embedding(-i), "{\"text\":\"x\"}"));
            }
            for (int i = 0; i < 100; i += 2)
            {
                log.Append(GalleryRecord.DeleteImage($"img-{i}"));
            }
            log.Append(GalleryRecord.AddCaption("cap-1", GalleryDirectory.Embedding(500), "{\"text\":\"new\"}"));
            sizeBefore = log.Length;

            log.Compact();

            Assert.True(log.Length < sizeBefore);
            log.Append(GalleryRecord.AddImage("after-compaction", GalleryDirectory.Embedding(7)));
        }

        Assert.False(File.Exists(dir.LogPath + ".compact"));
        using var reopened = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        Assert.Null(reopened.TailRepair);
        var expectedImages = Enumerable.Range(0, 100).Where(i => i % 2 == 1).Select(i => $"img-{i}").Append("after-compaction");
        Assert.Equal(expectedImages.Order(), reopened.State.Images.Keys.Order());
        Assert.Equal(100, reopened.State.CaptionCount);
        Assert.Equal(GalleryDirectory.Embedding(3), reopened.State.Images["img-3"].Payload.ToArray());
        Assert.Equal(GalleryDirectory.Embedding(500), reopened.State.Captions["cap-1"].Payload.ToArray());
        Assert.Equal("{\"text\":\"new\"}", reopened.State.Captions["cap-1"].Metadata);
    }

    [Fact]
    public void Compacted_log_keeps_its_bundle_hash()
    {
        using var dir = new GalleryDirectory();
        using (var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle))
        {
            log.Append(GalleryRecord.AddImage("a", GalleryDirectory.Embedding(1)));
            log.Compact();
        }

        Assert.Throws<GalleryBundleMismatchException>(() => GalleryLog.Open(dir.LogPath, "bundle-other"));
    }
}
