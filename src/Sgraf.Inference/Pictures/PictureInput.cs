namespace Sgraf.Inference.Pictures;

/// <summary>
/// A picture file → the picture encoder's input: decoded, turned upright, flattened on white and scaled to
/// size × size RGB (the aspect ratio is not kept: the grid's 36 cells then tile the whole picture, and the training
/// photos were squared the same way). The one path from a file to features, for the service and the tools alike.
/// </summary>
public static class PictureInput
{
    /// <summary>Writes <paramref name="size"/>² × 3 bytes into <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidPictureException">The file is not a picture Sgraf takes.</exception>
    public static void Write(ReadOnlySpan<byte> file, PictureLimits limits, int size, Span<byte> destination)
    {
        using var picture = PictureDecoder.Decode(file, limits, size, size);
        picture.WriteRgb(size, size, destination);
    }
}
