using SkiaSharp;
using Sgraf.Inference.Pictures;
using Sgraf.TestSupport;

namespace Sgraf.Inference.Tests.Pictures;

/// <summary>
/// Decoding as the picture path takes files in: the three formats, orientation, alpha, grayscale, CMYK and 16-bit
/// brought to 8-bit RGB, and a clear refusal, naming what is wrong, of everything else.
/// </summary>
public sealed class PictureDecoderTests : IDisposable
{
    readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    static byte[] Rgb(byte[] file, int width, int height, PictureLimits? limits = null)
    {
        using var picture = PictureDecoder.Decode(file, limits ?? PictureLimits.Default);
        var rgb = new byte[width * height * 3];
        picture.WriteRgb(width, height, rgb);
        return rgb;
    }

    static (byte R, byte G, byte B) At(byte[] rgb, int width, int x, int y) => (rgb[(y * width + x) * 3], rgb[(y * width + x) * 3 + 1], rgb[(y * width + x) * 3 + 2]);

    static void AssertNear((byte R, byte G, byte B) expected, (byte R, byte G, byte B) actual, int tolerance) =>
        Assert.True(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected} ± {tolerance}, got {actual}");

    [Fact]
    public void Png_and_lossless_WebP_decode_to_their_exact_pixels()
    {
        using var bitmap = TestPictures.Blocks(40, 24);
        foreach (var (file, format) in new[] { (TestPictures.Png(bitmap), PictureFormat.Png), (TestPictures.LosslessWebp(bitmap), PictureFormat.Webp) })
        {
            Assert.Equal((format, 40, 24), PictureDecoder.ReadHeader(file, PictureLimits.Default));
            var rgb = Rgb(file, 40, 24);
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 40; x++)
                {
                    var c = bitmap.GetPixel(x, y);
                    Assert.Equal((c.Red, c.Green, c.Blue), At(rgb, 40, x, y));
                }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void An_EXIF_oriented_JPEG_decodes_like_the_same_picture_stored_upright(int orientation)
    {
        const int W = 64, H = 32;
        using var upright = TestPictures.Blocks(W, H);
        bool quarterTurn = orientation >= 5;
        int sw = quarterTurn ? H : W, sh = quarterTurn ? W : H;
        // The stored pixels that orientation `orientation` shows as `upright` (EXIF 2.3, tag 274): e.g. 6, "0th row is the
        // visual right side, 0th column the visual top", stores the picture turned a quarter anticlockwise.
        using var stored = TestPictures.Make(sw, sh, (x, y) => orientation switch
        {
            2 => upright.GetPixel(W - 1 - x, y),
            3 => upright.GetPixel(W - 1 - x, H - 1 - y),
            4 => upright.GetPixel(x, H - 1 - y),
            5 => upright.GetPixel(y, x),
            6 => upright.GetPixel(W - 1 - y, x),
            7 => upright.GetPixel(W - 1 - y, H - 1 - x),
            _ => upright.GetPixel(y, H - 1 - x),
        }, SKAlphaType.Opaque);
        var oriented = TestPictures.WithExifOrientation(TestPictures.Jpeg(stored), orientation);

        Assert.Equal((PictureFormat.Jpeg, W, H), PictureDecoder.ReadHeader(oriented, PictureLimits.Default));
        var expected = Rgb(TestPictures.Jpeg(upright), W, H);
        var actual = Rgb(oriented, W, H);
        int worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 2, $"orientation {orientation}: max difference {worst} from the upright file");
        // The stored pixels read as they are make another picture (a quarter turn shows in the swapped size above).
        if (!quarterTurn) Assert.NotEqual(expected, Rgb(TestPictures.Jpeg(stored), W, H));
    }

    [Fact]
    public void Transparent_pixels_are_flattened_on_white()
    {
        using var bitmap = TestPictures.Make(8, 4, (x, _) => x < 4 ? new SKColor(255, 0, 0, 0) : new SKColor(255, 0, 0, 128));
        var rgb = Rgb(TestPictures.Png(bitmap), 8, 4);
        AssertNear((255, 255, 255), At(rgb, 8, 1, 1), 0);
        // Half-transparent red over white: R stays 255, G and B are white's 255 × (1 − 128/255).
        AssertNear((255, 127, 127), At(rgb, 8, 6, 2), 1);
    }

    [Fact]
    public void Grayscale_PNG_and_JPEG_come_out_as_gray_RGB()
    {
        using var gray = new SKBitmap(new SKImageInfo(16, 8, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 16; x++) gray.SetPixel(x, y, x < 8 ? new SKColor(40, 40, 40) : new SKColor(200, 200, 200));
        var png = gray.PeekPixels()!.Encode(new SKPngEncoderOptions())!.ToArray();
        var jpeg = TestPictures.Jpeg(gray);
        foreach (var file in new[] { png, jpeg })
        {
            var rgb = Rgb(file, 16, 8);
            AssertNear((40, 40, 40), At(rgb, 16, 2, 3), file == png ? 0 : 2);
            AssertNear((200, 200, 200), At(rgb, 16, 13, 3), file == png ? 0 : 2);
        }
    }

    [Fact]
    public void A_16_bit_PNG_comes_out_as_8_bit()
    {
        // v × 257 is exactly v in 8 bits, however the 16 bits are reduced.
        var file = TestPictures.Png16(6, 3, (x, y) => ((ushort)(x * 40 * 257), (ushort)(y * 100 * 257), (ushort)(255 * 257)));
        var rgb = Rgb(file, 6, 3);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 6; x++)
                Assert.Equal(((byte)(x * 40), (byte)(y * 100), (byte)255), At(rgb, 6, x, y));
    }

    [Fact]
    public void A_CMYK_JPEG_comes_out_as_RGB()
    {
        TestPictures.WriteWithPil(work.Path);
        var rgb = Rgb(File.ReadAllBytes(work.File("cmyk.jpg")), 32, 16);
        AssertNear((255, 0, 0), At(rgb, 32, 6, 8), 12);  // CMYK 0/255/255/0
        AssertNear((0, 0, 255), At(rgb, 32, 26, 8), 12); // CMYK 255/255/0/0
    }

    [Fact]
    public void A_one_pixel_picture_is_a_picture()
    {
        using var bitmap = TestPictures.Make(1, 1, (_, _) => new SKColor(10, 120, 230));
        var rgb = Rgb(TestPictures.Png(bitmap), 224, 224);
        for (int i = 0; i < 224 * 224; i++) AssertNear((10, 120, 230), (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]), 1);
    }

    [Fact]
    public void A_header_declaring_ten_billion_pixels_is_refused_before_decoding()
    {
        var file = TestPictures.PngDeclaring(100_000, 100_000);
        Assert.True(file.Length < 200);
        long before = Environment.WorkingSet;
        var refused = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode(file, PictureLimits.Default));
        Assert.Equal(PictureProblem.TooManyPixels, refused.Problem);
        Assert.Contains("header declares 100,000 × 100,000", refused.Message);
        Assert.Contains("40,000,000", refused.Message);
        Assert.True(Environment.WorkingSet - before < 64L << 20, "no pixel memory was taken");
    }

    [Fact]
    public void A_file_over_the_byte_limit_is_refused()
    {
        var file = File.ReadAllBytes(SamplePhotos.Rocket);
        var refused = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode(file, new PictureLimits { MaxBytes = 100_000 }));
        Assert.Equal(PictureProblem.TooManyBytes, refused.Problem);
        Assert.Contains("limit is 100,000", refused.Message);
    }

    [Fact]
    public void Empty_and_truncated_files_are_refused()
    {
        var empty = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode([], PictureLimits.Default));
        Assert.Equal(PictureProblem.Empty, empty.Problem);
        Assert.Contains("empty", empty.Message);

        foreach (var photo in new[] { SamplePhotos.Rocket, SamplePhotos.Coffee })
        {
            var bytes = File.ReadAllBytes(photo);
            var truncated = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode(bytes[..(bytes.Length * 3 / 5)], PictureLimits.Default));
            Assert.Equal(PictureProblem.Corrupt, truncated.Problem);
            Assert.Contains("truncated", truncated.Message);
            var headerOnly = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode(bytes[..12], PictureLimits.Default));
            Assert.Equal(PictureProblem.Corrupt, headerOnly.Problem);
        }
    }

    [Fact]
    public void Other_formats_are_refused_by_name_with_the_supported_ones()
    {
        TestPictures.WriteWithPil(work.Path);
        var files = new Dictionary<string, byte[]>
        {
            ["GIF"] = File.ReadAllBytes(work.File("picture.gif")),
            ["TIFF"] = File.ReadAllBytes(work.File("picture.tiff")),
            ["BMP"] = File.ReadAllBytes(work.File("picture.bmp")),
            ["PDF"] = File.ReadAllBytes(work.File("picture.pdf")),
            // An ISO media file of brand heic: the header of an iPhone photo.
            ["HEIC"] = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, 0, 0, 0, 8, .. "free"u8],
            ["SVG"] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"u8.ToArray(),
        };
        foreach (var (name, file) in files)
        {
            var refused = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode(file, PictureLimits.Default));
            Assert.Equal(PictureProblem.UnsupportedFormat, refused.Problem);
            Assert.Contains(name, refused.Message);
            Assert.Contains("JPEG, PNG or WebP", refused.Message);
        }
        var text = Assert.Throws<InvalidPictureException>(() => PictureDecoder.Decode("a dog runs on the beach"u8, PictureLimits.Default));
        Assert.Equal(PictureProblem.UnsupportedFormat, text.Problem);
        Assert.Contains("not a picture", text.Message);
    }

    [Fact]
    public void A_large_JPEG_is_decoded_at_a_reduced_size_no_smaller_than_asked()
    {
        var file = File.ReadAllBytes(SamplePhotos.HubbleDeepField);
        Assert.Equal((PictureFormat.Jpeg, 1000, 872), PictureDecoder.ReadHeader(file, PictureLimits.Default));
        using var reduced = PictureDecoder.Decode(file, PictureLimits.Default, 224, 224);
        Assert.InRange(reduced.Width, 224, 999);
        Assert.InRange(reduced.Height, 224, 871);
        using var full = PictureDecoder.Decode(file, PictureLimits.Default);
        Assert.Equal((1000, 872), (full.Width, full.Height));
    }
}
