using System.Buffers.Binary;
using System.Text;
using Sgraf.Inference.Data;

namespace Sgraf.Inference.Tests.Data;

public class ImageFrameTests
{
    [Fact]
    public void A_frame_is_magic_id_metadata_and_little_endian_features_back_to_back()
    {
        var features = Enumerable.Range(0, 36 * 2).Select(i => i - 0.5f).ToArray();
        var metadata = """{"a":1}"""u8.ToArray();
        var frame = new byte[ImageFrame.Size(Encoding.UTF8.GetByteCount("é1"), metadata.Length, imgDim: 2)];

        int size = ImageFrame.Write(frame, "é1", metadata, features);

        Assert.Equal(4 + 4 + 3 + 4 + 7 + 36 * 2 * 4, size);
        Assert.Equal("SGIF"u8.ToArray(), frame[..4]);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(4)));
        Assert.Equal("é1", Encoding.UTF8.GetString(frame, 8, 3));
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(11)));
        Assert.Equal(metadata, frame[15..22]);
        Assert.Equal(features, Enumerable.Range(0, features.Length).Select(i => BinaryPrimitives.ReadSingleLittleEndian(frame.AsSpan(22 + 4 * i))));
    }

    [Fact]
    public void Features_that_are_not_36_regions_or_a_short_destination_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ImageFrame.Write(new byte[10_000], "x", [], new float[35]));
        Assert.Throws<ArgumentException>(() => ImageFrame.Write(new byte[100], "x", [], new float[36]));
    }
}
