using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using SkiaSharp;

namespace Sgraf.TestSupport;

/// <summary>Pictures made for the tests (no licence question): with SkiaSharp, by hand where a file's bytes matter, and with Debian's PIL where neither can.</summary>
public static class TestPictures
{
    /// <summary>A picture of solid 8 × 8 blocks, each its own colour: JPEG keeps such blocks exact (DC only).</summary>
    public static SKBitmap Blocks(int width, int height, int seed = 7)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(seed);
        var colours = new Dictionary<(int, int), SKColor>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var key = (x / 8, y / 8);
                if (!colours.TryGetValue(key, out var colour))
                    colours[key] = colour = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                bitmap.SetPixel(x, y, colour);
            }
        return bitmap;
    }

    /// <summary>A bitmap of <paramref name="width"/> × <paramref name="height"/> whose pixel (x, y) is <paramref name="pixel"/>.</summary>
    public static SKBitmap Make(int width, int height, Func<int, int, SKColor> pixel, SKAlphaType alpha = SKAlphaType.Unpremul)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) bitmap.SetPixel(x, y, pixel(x, y));
        return bitmap;
    }

    public static byte[] Jpeg(SKBitmap bitmap) =>
        bitmap.PeekPixels()!.Encode(new SKJpegEncoderOptions(100, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))!.ToArray();

    public static byte[] Png(SKBitmap bitmap) => bitmap.PeekPixels()!.Encode(new SKPngEncoderOptions())!.ToArray();

    public static byte[] LosslessWebp(SKBitmap bitmap) =>
        bitmap.PeekPixels()!.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))!.ToArray();

    /// <summary>The JPEG with an EXIF APP1 segment right after SOI whose only tag is Orientation (274) = <paramref name="orientation"/>.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        var tiff = new byte[26];
        "II*\0"u8.CopyTo(tiff);                                     // little-endian TIFF header
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8); // first IFD at offset 8
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1); // one entry
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3); // SHORT
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1); // one value
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), (ushort)orientation);
        // bytes 22..25: no next IFD
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A 16-bit RGB PNG (colour type 2, depth 16), written by hand: SkiaSharp's encoder writes 8 bits.</summary>
    public static byte[] Png16(int width, int height, Func<int, int, (ushort R, ushort G, ushort B)> pixel)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                foreach (var v in new[] { r, g, b }) { raw.WriteByte((byte)(v >> 8)); raw.WriteByte((byte)v); }
            }
        }
        return PngFile(width, height, bitDepth: 16, colourType: 2, raw.ToArray());
    }

    /// <summary>A PNG whose header declares <paramref name="width"/> × <paramref name="height"/> but whose data is one tiny row.</summary>
    public static byte[] PngDeclaring(int width, int height) => PngFile(width, height, bitDepth: 8, colourType: 2, new byte[64]);

    static byte[] PngFile(int width, int height, byte bitDepth, byte colourType, byte[] raw)
    {
        var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colourType;
        Chunk(file, "IHDR", header);
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    static void Chunk(Stream file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typed));
        file.Write(crc);
    }

    /// <summary>
    /// Files only PIL writes here: a CMYK JPEG (left half CMYK red 0/255/255/0, right half CMYK blue 255/255/0/0),
    /// and a GIF, TIFF, BMP and PDF, by name in <paramref name="folder"/>.
    /// </summary>
    public static void WriteWithPil(string folder)
    {
        SamplePhotos.EnsurePython();
        const string script = """
            import sys
            from PIL import Image
            out = sys.argv[1]
            cmyk = Image.new("CMYK", (32, 16), (0, 255, 255, 0))
            cmyk.paste((255, 255, 0, 0), (16, 0, 32, 16))
            cmyk.save(out + "/cmyk.jpg", quality=100)
            rgb = Image.new("RGB", (16, 16), (200, 30, 60))
            rgb.save(out + "/picture.gif")
            rgb.save(out + "/picture.tiff")
            rgb.save(out + "/picture.bmp")
            rgb.save(out + "/picture.pdf")
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        using var python = Process.Start(start)!;
        var error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        if (python.ExitCode != 0) throw new InvalidOperationException($"PIL could not write the test pictures: {error}");
    }
}
