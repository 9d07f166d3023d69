namespace Sgraf.Inference.Pictures;

/// <summary>What is wrong with a picture that cannot be used; the service answers each kind with its own status.</summary>
public enum PictureProblem
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>A format other than JPEG, PNG or WebP (GIF, TIFF, BMP, HEIC, SVG, PDF, text, ...).</summary>
    UnsupportedFormat,

    /// <summary>More bytes than <see cref="PictureLimits.MaxBytes"/>.</summary>
    TooManyBytes,

    /// <summary>A header declaring more pixels than <see cref="PictureLimits.MaxPixels"/>; refused before decoding.</summary>
    TooManyPixels,

    /// <summary>A supported format whose data is truncated or damaged.</summary>
    Corrupt,
}

/// <summary>A picture refused by <see cref="PictureDecoder"/>: the message says what is wrong, and the supported formats where that helps.</summary>
public sealed class InvalidPictureException(PictureProblem problem, string message) : InvalidInputException(message)
{
    public PictureProblem Problem { get; } = problem;
}
