namespace Sgraf.Inference.Pictures;

/// <summary>
/// The copy of a picture the service keeps with its gallery image, to show it: upright, flattened on white, scaled
/// (aspect ratio kept) so that its longest side is at most a bound, as a JPEG without metadata
/// (<see cref="DecodedPicture.EncodeJpeg"/>). Pictures are never scaled up.
/// </summary>
/// <param name="Jpeg">The JPEG file.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
public sealed record PictureCopy(byte[] Jpeg, int Width, int Height)
{
    /// <exception cref="InvalidPictureException">The file is not a picture Sgraf takes.</exception>
    public static PictureCopy Make(ReadOnlySpan<byte> file, PictureLimits limits, int longestSide, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(longestSide);
        using var picture = PictureDecoder.Decode(file, limits, (width, height) => Fit(width, height, longestSide));
        var (width, height) = Fit(picture.FileWidth, picture.FileHeight, longestSide);
        return new PictureCopy(picture.EncodeJpeg(width, height, quality), width, height);
    }

    /// <summary><paramref name="width"/> × <paramref name="height"/> scaled down, if need be, to a longest side of <paramref name="longestSide"/>.</summary>
    public static (int Width, int Height) Fit(int width, int height, int longestSide)
    {
        int longest = Math.Max(width, height);
        if (longest <= longestSide) return (width, height);
        double scale = longestSide / (double)longest;
        return (Math.Clamp((int)Math.Round(width * scale), 1, longestSide), Math.Clamp((int)Math.Round(height * scale), 1, longestSide));
    }
}
