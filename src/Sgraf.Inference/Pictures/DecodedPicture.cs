using System.Runtime.InteropServices;
using SkiaSharp;

namespace Sgraf.Inference.Pictures;

/// <summary>
/// A decoded picture: 8-bit sRGB pixels as stored in the file, and the EXIF orientation that turns them upright.
/// <see cref="WriteRgb"/> gives the picture as displayed, at any size, flattened on white. Owns native memory: dispose it.
/// </summary>
public sealed class DecodedPicture : IDisposable
{
    readonly SKBitmap stored;
    readonly SKEncodedOrigin origin;

    internal DecodedPicture(SKBitmap stored, SKEncodedOrigin origin, PictureFormat format, int fileWidth, int fileHeight)
    {
        this.stored = stored;
        this.origin = origin;
        Format = format;
        (Width, Height) = origin >= SKEncodedOrigin.LeftTop ? (stored.Height, stored.Width) : (stored.Width, stored.Height);
        (FileWidth, FileHeight) = (fileWidth, fileHeight);
    }

    public PictureFormat Format { get; }

    /// <summary>Width as displayed (orientation applied) of the decoded pixels, which may be a reduced-size decode.</summary>
    public int Width { get; }

    /// <summary>Height as displayed.</summary>
    public int Height { get; }

    /// <summary>The picture's full width as displayed, as its file declares it (<see cref="Width"/> may be a reduced decode's).</summary>
    public int FileWidth { get; }

    /// <summary>The picture's full height as displayed.</summary>
    public int FileHeight { get; }

    /// <summary>
    /// Writes the picture as displayed, scaled to <paramref name="width"/> × <paramref name="height"/> (the aspect
    /// ratio is not kept), transparent parts flattened on white, as RGB bytes: rows top to bottom, 3 bytes per pixel
    /// (see <see cref="Draw"/> for how it scales).
    /// </summary>
    public void WriteRgb(int width, int height, Span<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length != (long)width * height * 3)
            throw new ArgumentException($"{width} × {height} RGB needs {(long)width * height * 3} bytes, not {rgb.Length}", nameof(rgb));
        using var target = Draw(width, height);
        // Drawn over opaque white, every pixel is opaque, so premultiplied values are the colours themselves.
        var rgba = MemoryMarshal.Cast<byte, uint>(target.GetPixelSpan());
        for (int i = 0; i < rgba.Length; i++)
        {
            uint p = rgba[i]; // R, G, B, A in memory order: little-endian R is the low byte.
            rgb[3 * i] = (byte)p;
            rgb[3 * i + 1] = (byte)(p >> 8);
            rgb[3 * i + 2] = (byte)(p >> 16);
        }
    }

    /// <summary>
    /// The picture as displayed, scaled to <paramref name="width"/> × <paramref name="height"/> as <see cref="WriteRgb"/>
    /// scales it, as a baseline JPEG of <paramref name="quality"/> (1–100) with chroma halved both ways (4:2:0, what
    /// cameras write) and nothing else: no EXIF (the orientation is applied, and a location or camera serial number is
    /// not passed on), no colour profile (the pixels are sRGB).
    /// </summary>
    public byte[] EncodeJpeg(int width, int height, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        using var target = Draw(width, height);
        using var pixels = target.PeekPixels();
        using var jpeg = pixels.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width} × {height} JPEG");
        return jpeg.ToArray();
    }

    /// <summary>
    /// Draws the picture as displayed at <paramref name="width"/> × <paramref name="height"/> (the aspect ratio is not
    /// kept), flattened on white. At its own size and orientation the pixels are copied exactly. Scaling down samples a
    /// mipmap chain (trilinear): every source pixel counts, where a cubic filter alone would skip pixels and alias at
    /// large reductions; scaling up uses Mitchell's cubic, which neither rings like Catmull-Rom nor blurs like bilinear.
    /// </summary>
    SKBitmap Draw(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(target);
        using var image = SKImage.FromBitmap(stored);
        canvas.Clear(SKColors.White);
        canvas.Scale(width / (float)Width, height / (float)Height);
        canvas.Concat(Orientation(origin, stored.Width, stored.Height));
        canvas.DrawImage(image, 0, 0, Sampling(width, height));
        return target;
    }

    SKSamplingOptions Sampling(int width, int height)
    {
        if (width == Width && height == Height) return new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        if (width < Width || height < Height) return new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        return new SKSamplingOptions(SKCubicResampler.Mitchell);
    }

    /// <summary>Maps stored pixel coordinates to displayed ones for each EXIF orientation (TIFF tag 274).</summary>
    static SKMatrix Orientation(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),       // mirrored left-right
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),   // turned half a turn
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),     // mirrored top-bottom
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),         // transposed
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),       // turned a quarter clockwise to display
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),   // transverse
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),     // turned a quarter anticlockwise to display
        _ => SKMatrix.Identity,
    };

    public void Dispose() => stored.Dispose();
}
