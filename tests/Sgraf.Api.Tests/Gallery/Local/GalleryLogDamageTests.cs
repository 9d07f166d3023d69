using Sgraf.Api.Gallery;
using Sgraf.Api.Gallery.Local;

namespace Sgraf.Api.Tests.Gallery.Local;

/// <summary>What a crash mid-write or a damaged disk leaves behind, and how opening treats it.</summary>
public class GalleryLogDamageTests
{
    /// <summary>Writes a header plus images "0".."count-1"; returns the file offset where each record starts.</summary>
    private static List<long> WriteImages(string path, int count)
    {
        var starts = new List<long>();
        using var log = GalleryLog.Open(path, GalleryDirectory.Bundle);
        for (int i = 0; i < count; i++)
        {
            starts.Add(log.Length);
            log.Append(GalleryRecord.AddImage(i.ToString(), GalleryDirectory.Embedding(i, 40), "{}"));
        }
        return starts;
    }

    [Fact]
    public void Torn_last_record_is_cut_at_every_byte_offset_and_earlier_records_kept()
    {
        using var dir = new GalleryDirectory();
        List<long> starts = WriteImages(dir.LogPath, 5);
        byte[] intact = File.ReadAllBytes(dir.LogPath);
        long lastStart = starts[^1];

        for (long cut = lastStart + 1; cut < intact.Length; cut++)
        {
            File.WriteAllBytes(dir.LogPath, intact[..(int)cut]);
            using (var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle))
            {
                Assert.Equal(4, log.State.ImageCount);
                Assert.False(log.State.Images.ContainsKey("4"));
                Assert.Equal(new GalleryTailRepair(lastStart, cut - lastStart, log.TailRepair!.Reason), log.TailRepair);
                Assert.Equal(lastStart, log.Length);
                log.Append(GalleryRecord.AddImage("after", GalleryDirectory.Embedding(99)));
            }

            using var reopened = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
            Assert.Null(reopened.TailRepair);
            Assert.Equal(5, reopened.State.ImageCount);
            Assert.True(reopened.State.Images.ContainsKey("after"));
        }
    }

    [Fact]
    public void Bad_crc_in_last_record_is_cut()
    {
        using var dir = new GalleryDirectory();
        List<long> starts = WriteImages(dir.LogPath, 5);
        FlipByte(dir.LogPath, starts[^1] + 30);

        using var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        Assert.Equal(4, log.State.ImageCount);
        Assert.Equal(starts[^1], log.TailRepair!.Offset);
        Assert.Contains("CRC", log.TailRepair.Reason);
        Assert.Equal(starts[^1], new FileInfo(dir.LogPath).Length);
    }

    [Fact]
    public void Bad_crc_mid_file_is_refused_naming_file_and_offset()
    {
        using var dir = new GalleryDirectory();
        List<long> starts = WriteImages(dir.LogPath, 5);
        FlipByte(dir.LogPath, starts[2] + 30);
        long sizeBefore = new FileInfo(dir.LogPath).Length;

        var error = Assert.Throws<GalleryLogCorruptException>(() => GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle));
        Assert.Equal(starts[2], error.Offset);
        Assert.Contains(dir.LogPath, error.Message);
        Assert.Contains($"offset {starts[2]}", error.Message);
        Assert.Equal(sizeBefore, new FileInfo(dir.LogPath).Length);
    }

    [Fact]
    public void Damaged_length_field_mid_file_is_refused_not_cut()
    {
        using var dir = new GalleryDirectory();
        List<long> starts = WriteImages(dir.LogPath, 5);
        FlipByte(dir.LogPath, starts[1] + 6);

        var error = Assert.Throws<GalleryLogCorruptException>(() => GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle));
        Assert.Equal(starts[1], error.Offset);
    }

    [Fact]
    public void Torn_header_of_a_new_log_starts_it_afresh()
    {
        using var dir = new GalleryDirectory();
        WriteImages(dir.LogPath, 0);
        byte[] header = File.ReadAllBytes(dir.LogPath);
        File.WriteAllBytes(dir.LogPath, header[..5]);

        using var log = GalleryLog.Open(dir.LogPath, GalleryDirectory.Bundle);
        Assert.Equal(0, log.State.ImageCount);
        Assert.Equal(header.Length, log.Length);
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Seek(offset, SeekOrigin.Begin);
        int b = file.ReadByte();
        file.Seek(offset, SeekOrigin.Begin);
        file.WriteByte((byte)(b ^ 0x5A));
    }
}
