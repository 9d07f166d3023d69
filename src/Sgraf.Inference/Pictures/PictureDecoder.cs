using SkiaSharp;

namespace Sgraf.Inference.Pictures;

/// <summary>
/// Decodes JPEG, PNG and WebP files with SkiaSharp into 8-bit sRGB pixels (<see cref="DecodedPicture"/>): grayscale,
/// CMYK, palette and 16-bit pictures come out as 8-bit RGB(A), embedded colour profiles are converted to sRGB. The size
/// limits are checked on the header, before any pixel memory is taken; every refusal is an
/// <see cref="InvalidPictureException"/> that says what is wrong.
/// </summary>
public static class PictureDecoder
{
    public const string SupportedFormats = "JPEG, PNG or WebP";

    /// <summary>The format and displayed size (EXIF orientation applied) from the header alone.</summary>
    /// <exception cref="InvalidPictureException">Empty, too large, not a supported format, or a header that cannot be read.</exception>
    public static (PictureFormat Format, int Width, int Height) ReadHeader(ReadOnlySpan<byte> file, PictureLimits limits)
    {
        using var codec = OpenCodec(file, limits, out var format);
        var (width, height) = Displayed(codec.Info.Width, codec.Info.Height, codec.EncodedOrigin);
        return (format, width, height);
    }

    /// <summary>
    /// Decodes <paramref name="file"/>. Where the format can decode at a reduced size (JPEG in steps of 1/8, in the DCT
    /// domain), it decodes at the smallest size that is still at least <paramref name="minWidth"/> ×
    /// <paramref name="minHeight"/> as displayed, which costs a fraction of a full decode for a large photo that will be
    /// scaled down anyway; 0 decodes at full size.
    /// </summary>
    /// <exception cref="InvalidPictureException">Empty, too large, not a supported format, truncated or corrupt.</exception>
    public static DecodedPicture Decode(ReadOnlySpan<byte> file, PictureLimits limits, int minWidth = 0, int minHeight = 0) =>
        Decode(file, limits, (_, _) => (minWidth, minHeight));

    /// <summary>
    /// Decodes <paramref name="file"/> at the smallest size still at least what <paramref name="minimumSize"/> asks for,
    /// given the picture's full size as displayed (width, height), as the overload with a fixed minimum does.
    /// </summary>
    /// <exception cref="InvalidPictureException">Empty, too large, not a supported format, truncated or corrupt.</exception>
    public static DecodedPicture Decode(ReadOnlySpan<byte> file, PictureLimits limits, Func<int, int, (int Width, int Height)> minimumSize)
    {
        ArgumentNullException.ThrowIfNull(minimumSize);
        using var codec = OpenCodec(file, limits, out var format);
        var origin = codec.EncodedOrigin;
        var (fileWidth, fileHeight) = Displayed(codec.Info.Width, codec.Info.Height, origin);
        var (minWidth, minHeight) = minimumSize(fileWidth, fileHeight);
        // The codec works in stored orientation; a rotated picture's displayed width is its stored height.
        var (minStoredWidth, minStoredHeight) = Displayed(minWidth, minHeight, origin);
        var size = DecodeSize(codec, minStoredWidth, minStoredHeight);
        var alpha = codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var bitmap = new SKBitmap();
        try
        {
            var result = DecodeInto(codec, bitmap, new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb()));
            // A profile Skia cannot convert from (some CMYK ones): the pixels as stored are still the picture.
            if (result == SKCodecResult.InvalidConversion)
                result = DecodeInto(codec, bitmap, new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, alpha));
            if (result != SKCodecResult.Success)
                throw new InvalidPictureException(PictureProblem.Corrupt, result == SKCodecResult.IncompleteInput
                    ? $"the {Name(format)} file is truncated: its data ends before the picture does"
                    : $"the {Name(format)} file is corrupt: it cannot be decoded ({result})");
            bitmap.SetImmutable();
            return new DecodedPicture(bitmap, origin, format, fileWidth, fileHeight);
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    static SKCodecResult DecodeInto(SKCodec codec, SKBitmap bitmap, SKImageInfo info)
    {
        if (!bitmap.TryAllocPixels(info))
            throw new InvalidPictureException(PictureProblem.TooManyPixels, $"no memory for a {info.Width} × {info.Height} picture");
        return codec.GetPixels(info, bitmap.GetPixels());
    }

    /// <summary>The smallest of the sizes k/8 of the full size (JPEG's DCT scalings) that the codec decodes to and that is still at least the minimum.</summary>
    static SKSizeI DecodeSize(SKCodec codec, int minWidth, int minHeight)
    {
        var full = codec.Info.Size;
        if (minWidth <= 0 || minHeight <= 0) return full;
        for (int eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= minWidth && scaled.Height >= minHeight) return scaled;
        }
        return full;
    }

    static SKCodec OpenCodec(ReadOnlySpan<byte> file, PictureLimits limits, out PictureFormat format)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (file.IsEmpty) throw new InvalidPictureException(PictureProblem.Empty, $"the file is empty; send a {SupportedFormats} picture");
        if (file.Length > limits.MaxBytes)
            throw new InvalidPictureException(PictureProblem.TooManyBytes, $"the file is {file.Length:N0} bytes; the limit is {limits.MaxBytes:N0}");
        if (PictureSignature.Unsupported(file) is { } other)
            throw new InvalidPictureException(PictureProblem.UnsupportedFormat, $"{other} pictures are not supported; send {SupportedFormats}");

        var data = SKData.CreateCopy(file);
        var stream = new SKMemoryStream(data);
        // The codec owns the stream from here on (SkiaSharp hands it over), and with it the data.
        var codec = SKCodec.Create(stream, out var result);
        data.Dispose();
        if (codec is null)
        {
            stream.Dispose();
            throw PictureSignature.Supported(file) is { } known
                ? new InvalidPictureException(PictureProblem.Corrupt, $"the {Name(known)} file is truncated or corrupt: its header cannot be read ({result})")
                : new InvalidPictureException(PictureProblem.UnsupportedFormat, $"not a picture in a supported format; send {SupportedFormats}");
        }
        try
        {
            format = codec.EncodedFormat switch
            {
                SKEncodedImageFormat.Jpeg => PictureFormat.Jpeg,
                SKEncodedImageFormat.Png => PictureFormat.Png,
                SKEncodedImageFormat.Webp => PictureFormat.Webp,
                var f => throw new InvalidPictureException(PictureProblem.UnsupportedFormat, $"{f.ToString().ToUpperInvariant()} pictures are not supported; send {SupportedFormats}"),
            };
            long pixels = (long)codec.Info.Width * codec.Info.Height;
            if (pixels > limits.MaxPixels)
                throw new InvalidPictureException(PictureProblem.TooManyPixels,
                    $"the {Name(format)} header declares {codec.Info.Width:N0} × {codec.Info.Height:N0} = {pixels:N0} pixels; the limit is {limits.MaxPixels:N0}");
            if (pixels == 0) throw new InvalidPictureException(PictureProblem.Corrupt, $"the {Name(format)} header declares no pixels");
            return codec;
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    /// <summary>Width and height as displayed: orientations 5–8 turn the picture a quarter turn.</summary>
    static (int Width, int Height) Displayed(int width, int height, SKEncodedOrigin origin) =>
        origin >= SKEncodedOrigin.LeftTop ? (height, width) : (width, height);

    internal static string Name(PictureFormat format) => format switch
    {
        PictureFormat.Jpeg => "JPEG",
        PictureFormat.Png => "PNG",
        _ => "WebP",
    };
}
