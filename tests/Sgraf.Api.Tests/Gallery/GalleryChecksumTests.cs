using System.IO.Hashing;
using System.Text;
using Sgraf.Api.Gallery;

namespace Sgraf.Api.Tests.Gallery;

// Gallery logs and segment files carry the CRC-32 our own table-driven implementation wrote before the service used
// System.IO.Hashing. The expected values below were computed with that implementation (reflected 0xEDB88320, initial
// and final XOR 0xFFFFFFFF), so files already on disk must still verify.
public class GalleryChecksumTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void System_io_hashing_gives_the_checksums_the_old_implementation_wrote(string text, uint oldChecksum) =>
        Assert.Equal(oldChecksum, Crc32.HashToUInt32(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void A_long_input_gives_the_old_checksum_too()
    {
        var bytes = new byte[4096];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(i * 37 + 11);

        Assert.Equal(0xFD7BB204u, Crc32.HashToUInt32(bytes));
    }

    // A whole frame as the old code wrote it: AddImage "img-1", metadata {"k":"v"}, 16 data bytes, CRC 0x6CE2EECF.
    const string OldFrame = "5347474C2B000000CFEEE26C0105000000696D672D31090000007B226B223A2276227D100000000B30557A9FC4E90E33587DA2C7EC1136";

    [Fact]
    public void A_frame_written_by_the_old_code_still_decodes()
    {
        byte[] frame = Convert.FromHexString(OldFrame);

        var record = GalleryRecordFrame.TryDecode(frame, 0, out int size, out string problem);

        Assert.Equal("", problem);
        Assert.NotNull(record);
        Assert.Equal(frame.Length, size);
        Assert.Equal((GalleryRecordKind.AddImage, "img-1", "{\"k\":\"v\"}"), (record.Kind, record.Id, record.Metadata));
        Assert.Equal(frame[^16..], record.Payload.ToArray());
    }

    [Fact]
    public void The_same_record_is_encoded_to_the_same_bytes_as_before()
    {
        var data = Convert.FromHexString(OldFrame)[^16..];

        var frame = GalleryRecordFrame.Encode(new GalleryRecord(GalleryRecordKind.AddImage, "img-1", "{\"k\":\"v\"}", data));

        Assert.Equal(OldFrame, Convert.ToHexString(frame));
    }

    [Fact]
    public void A_frame_whose_checksum_does_not_match_is_refused()
    {
        byte[] frame = Convert.FromHexString(OldFrame);
        frame[^1] ^= 1;

        Assert.Null(GalleryRecordFrame.TryDecode(frame, 0, out _, out string problem));
        Assert.Equal("CRC mismatch", problem);
    }
}
